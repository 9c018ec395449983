// Part of `npm run lint`: runs dependency-cruiser with config/dependency-cruiser.cjs over the code,
// reports its rule violations (import cycles between files, ...), then folds the file graph into
// the folders of src/modules and fails on any cycle between two of them (approvals -> groups ->
// approvals, even when no single file is part of a file cycle). Type-only imports do not count.
import { createRequire } from 'node:module';
import { cruise } from 'dependency-cruiser';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';

const require = createRequire(import.meta.url);
const config = require('../../config/dependency-cruiser.cjs');
const ROOTS = ['src', 'test', 'scripts', 'migrations'];

const result = await cruise(ROOTS, { ...config.options, ruleSet: { forbidden: config.forbidden }, validate: true }, undefined, {
  tsConfig: extractTSConfig(config.options.tsConfig.fileName),
});
const { modules, summary } = result.output;
let failed = false;

for (const violation of summary.violations) {
  failed = true;
  const path = violation.cycle ? [violation.from, ...violation.cycle.map((c) => c.name ?? c)].join(' -> ') : `${violation.from} -> ${violation.to}`;
  console.error(`${violation.rule.name}: ${path}`);
}

/** src/modules/<folder> of a file, or null outside the module folders. */
const folderPattern = new RegExp(config.moduleFolders);
const folderOf = (file) => folderPattern.exec(file)?.[0] ?? null;
const typeOnly = new Set(config.typeOnlyDependencyTypes);

/** folder -> folder -> one file edge that makes the folder edge (for the message). */
const edges = new Map();
for (const module of modules) {
  const from = folderOf(module.source);
  if (!from) continue;
  for (const dependency of module.dependencies) {
    const to = folderOf(dependency.resolved);
    if (!to || to === from || dependency.dependencyTypes.some((type) => typeOnly.has(type))) continue;
    if (!edges.has(from)) edges.set(from, new Map());
    if (!edges.get(from).has(to)) edges.get(from).set(to, `${module.source} -> ${dependency.resolved}`);
  }
}

// Tarjan's strongly connected components: every component of more than one folder holds a cycle.
let index = 0;
const indexOf = new Map();
const lowLink = new Map();
const stack = [];
const onStack = new Set();
const components = [];
function visit(node) {
  indexOf.set(node, index);
  lowLink.set(node, index);
  index += 1;
  stack.push(node);
  onStack.add(node);
  for (const next of edges.get(node)?.keys() ?? []) {
    if (!indexOf.has(next)) {
      visit(next);
      lowLink.set(node, Math.min(lowLink.get(node), lowLink.get(next)));
    } else if (onStack.has(next)) {
      lowLink.set(node, Math.min(lowLink.get(node), indexOf.get(next)));
    }
  }
  if (lowLink.get(node) === indexOf.get(node)) {
    const component = [];
    let member;
    do {
      member = stack.pop();
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1) components.push(component.sort());
  }
}
for (const node of [...edges.keys()].sort()) if (!indexOf.has(node)) visit(node);

for (const component of components) {
  failed = true;
  const members = new Set(component);
  console.error(`module-folder cycle between ${component.join(', ')}:`);
  for (const from of component) {
    for (const [to, example] of edges.get(from) ?? []) if (members.has(to)) console.error(`  ${example}`);
  }
}

if (failed) process.exit(1);
console.log(`dependencies: ${modules.length} files, no forbidden imports, no cycle between src/modules folders`);
