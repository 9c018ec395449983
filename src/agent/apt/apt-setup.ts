import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { aptSourcesText } from '../../contracts/apt-sources';

/** Files apt-setup owns under the root (docs/debian.md, "On each machine"). */
export const APT_SETUP_FILES = {
  sources: 'etc/apt/sources.list.d/patchgate.sources',
  auth: 'etc/apt/auth.conf.d/patchgate.conf',
  hook: 'etc/apt/apt.conf.d/99patchgate-inventory',
  /** the original text of every sources file apt-setup changed, restored by --remove */
  saved: 'var/lib/patchgate-agent/apt-setup-saved.json',
} as const;

export interface AptSetupOptions {
  /** `/` on a real machine; a scratch root in tests */
  root: string;
  /** the Patchgate server (registration's URL) */
  server: string;
  computerId: string;
  token: string;
  /** the repository key (alg openpgp at /client/v1/keys), ASCII-armored */
  armoredKey: string;
  /** os-release ID: `debian`, `ubuntu` */
  distro: string;
  /** os-release VERSION_CODENAME: `bookworm` */
  codename: string;
  components: string[];
  /** what DPkg::Post-Invoke runs after every dpkg run (reports the inventory); no hook when absent */
  hookCommand?: string;
}

export interface AptSetupResult {
  written: string[];
  /** `file: entry` of every archive entry turned off */
  disabled: string[];
}

/** Archive components: an entry with only these (and a replaced suite) is the archive Patchgate replaces. */
const ARCHIVE_COMPONENTS = new Set(['main', 'contrib', 'non-free', 'non-free-firmware', 'restricted', 'universe', 'multiverse']);
const DISABLED_MARK = '# disabled by patchgate-agent apt-setup: ';

/** The suites Patchgate's repositories stand in for: the release and its -updates and -security. */
export function replacedSuites(codename: string): Set<string> {
  return new Set([codename, `${codename}-updates`, `${codename}-security`]);
}

/**
 * The auth.conf.d line. apt matches an entry without a scheme against https only, so the
 * scheme is always written (an http server would otherwise get no credentials and answer 401).
 */
export function authEntry(server: string, computerId: string, token: string): string {
  const url = new URL(server);
  const path = url.pathname.replace(/\/+$/, '');
  return `machine ${url.protocol}//${url.host}${path}/apt/ login ${computerId} password ${token}\n`;
}

/**
 * Points apt at Patchgate: writes the .sources, the auth.conf.d entry (mode 600) and the
 * inventory hook, and turns off the archive entries Patchgate replaces (their original text is
 * kept for `aptRemove`). Running it again rewrites Patchgate's files and keeps the first originals.
 */
export function aptSetup(options: AptSetupOptions): AptSetupResult {
  const at = (relative: string) => join(options.root, relative);
  const saved = readSaved(options.root);
  const disabled: string[] = [];
  const suites = replacedSuites(options.codename);
  for (const file of sourceFiles(options.root)) {
    const text = readFileSync(at(file), 'utf8');
    const changed = file.endsWith('.sources') ? disableDeb822(text, suites) : disableOneLine(text, suites);
    if (changed.disabled.length === 0) continue;
    saved[file] ??= text;
    writeFileSync(at(file), changed.text);
    disabled.push(...changed.disabled.map((entry) => `${file}: ${entry}`));
  }
  writeOwned(at(APT_SETUP_FILES.saved), `${JSON.stringify(saved, null, 2)}\n`, 0o600);
  writeOwned(at(APT_SETUP_FILES.sources), aptSourcesText(options), 0o644);
  writeOwned(at(APT_SETUP_FILES.auth), authEntry(options.server, options.computerId, options.token), 0o600);
  const written: string[] = [APT_SETUP_FILES.sources, APT_SETUP_FILES.auth];
  if (options.hookCommand) {
    if (options.hookCommand.includes('"')) throw new Error('the hook command must not contain double quotes (apt.conf string)');
    writeOwned(at(APT_SETUP_FILES.hook), `// Written by patchgate-agent apt-setup: report the dpkg inventory after every apt run.\nDPkg::Post-Invoke { "${options.hookCommand}"; };\n`, 0o644);
    written.push(APT_SETUP_FILES.hook);
  }
  return { written, disabled };
}

/** Undoes aptSetup: restores the archive entries it turned off and deletes Patchgate's files. */
export function aptRemove(root: string): { restored: string[]; removed: string[] } {
  const saved = readSaved(root);
  const restored: string[] = [];
  for (const [file, text] of Object.entries(saved)) {
    writeFileSync(join(root, file), text);
    restored.push(file);
  }
  const removed: string[] = [];
  for (const file of [APT_SETUP_FILES.sources, APT_SETUP_FILES.auth, APT_SETUP_FILES.hook, APT_SETUP_FILES.saved]) {
    if (!existsSync(join(root, file))) continue;
    rmSync(join(root, file));
    removed.push(file);
  }
  return { restored, removed };
}

function readSaved(root: string): Record<string, string> {
  const path = join(root, APT_SETUP_FILES.saved);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, string>) : {};
}

function writeOwned(path: string, text: string, mode: number): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text, { mode });
  chmodSync(path, mode);
}

/** sources.list and sources.list.d/*.list|*.sources, root-relative, Patchgate's own excluded. */
function sourceFiles(root: string): string[] {
  const files = existsSync(join(root, 'etc/apt/sources.list')) ? ['etc/apt/sources.list'] : [];
  const dir = join(root, 'etc/apt/sources.list.d');
  if (existsSync(dir)) {
    for (const name of readdirSync(dir).sort()) {
      const file = `etc/apt/sources.list.d/${name}`;
      if ((name.endsWith('.list') || name.endsWith('.sources')) && file !== APT_SETUP_FILES.sources) files.push(file);
    }
  }
  return files;
}

/** One-line format: `deb [options] URI suite component…`; a replaced archive line is commented out. */
function disableOneLine(text: string, suites: Set<string>): { text: string; disabled: string[] } {
  const disabled: string[] = [];
  const lines = text.split('\n').map((line) => {
    const words = line.slice(0, 4096).replace(/\[[^\]]{0,1024}\]/, ' ').trim().split(/\s+/);
    if (words[0] !== 'deb' || words.length < 4) return line;
    const [, , suite, ...components] = words;
    if (!suites.has(suite) || !components.every((c) => ARCHIVE_COMPONENTS.has(c))) return line;
    disabled.push(line.trim());
    return `${DISABLED_MARK}${line}`;
  });
  return { text: lines.join('\n'), disabled };
}

/**
 * deb822 format: a stanza of type deb whose suites Patchgate replaces gets `Enabled: no`; one
 * that also lists other suites (backports) keeps only those.
 */
function disableDeb822(text: string, suites: Set<string>): { text: string; disabled: string[] } {
  const disabled: string[] = [];
  const stanzas = text.replace(/\s+$/, '').split(/\n(?:[ \t]*\n)+/).map((stanza) => {
    const field = (name: string) => new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(stanza)?.[1]?.trim();
    const types = (field('Types') ?? '').split(/\s+/);
    const stanzaSuites = (field('Suites') ?? '').split(/\s+/).filter(Boolean);
    const components = (field('Components') ?? '').split(/\s+/).filter(Boolean);
    if (!types.includes('deb') || /^Enabled:[ \t]*no\b/im.test(stanza)) return stanza;
    if (!components.every((c) => ARCHIVE_COMPONENTS.has(c))) return stanza;
    const replaced = stanzaSuites.filter((s) => suites.has(s));
    if (replaced.length === 0) return stanza;
    const kept = stanzaSuites.filter((s) => !suites.has(s));
    disabled.push(`${field('URIs') ?? ''} ${replaced.join(' ')}`.trim());
    if (kept.length > 0) return stanza.replace(/^Suites:.*$/im, `Suites: ${kept.join(' ')}`);
    return `${stanza}\nEnabled: no`;
  });
  return { text: `${stanzas.join('\n\n')}\n`, disabled };
}
