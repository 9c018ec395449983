/**
 * Import rules, checked by `npm run lint` (scripts/lint/check-dependencies.mjs runs dependency-cruiser
 * with this file). Only runtime imports count: `import type` and imports of interfaces alone vanish
 * when TypeScript compiles, so they cannot make Node or Nest load a module half-initialised.
 * docs/architecture.md explains the module map these rules keep.
 */
const TYPE_ONLY = ['type-only', 'pre-compilation-only'];

/** The unit of the module map: one folder under src/modules. */
const MODULE_FOLDER = '^src/modules/[^/]+';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'A file must not import itself back through other files (at runtime).',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: TYPE_ONLY } },
    },
    {
      name: 'no-test-code-in-src',
      comment: 'The application must not import from the tests.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^test/' },
    },
  ],
  /** Read by scripts/lint/check-dependencies.mjs: no import cycle between these folders. */
  moduleFolders: MODULE_FOLDER,
  typeOnlyDependencyTypes: TYPE_ONLY,
  options: {
    tsPreCompilationDeps: 'specify',
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist)/' },
  },
};
