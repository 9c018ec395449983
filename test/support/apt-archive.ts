/**
 * A small Debian archive for the tests, built and signed in the test and served over loopback:
 * packages made with `dpkg-deb --build`, Packages(.gz/.xz), Release with SHA256 (and by-hash
 * copies), InRelease (clearsigned) and Release.gpg (detached), signed with an OpenPGP key made
 * here. Reusable for the APT repositories' tests: `AptArchive` builds, `AptArchiveServer` serves
 * (with conditional GET, and any answer a test wants to fake).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createCleartextMessage, createMessage, generateKey, readPrivateKey, sign } from 'openpgp';

export interface SigningKey {
  armoredPublicKey: string;
  armoredPrivateKey: string;
}

/** A v4 Ed25519 key (what bookworm's gpgv accepts), made in a few milliseconds. */
export async function makeSigningKey(name = 'Test Archive Signing Key'): Promise<SigningKey> {
  const { publicKey, privateKey } = await generateKey({ type: 'ecc', curve: 'ed25519Legacy', userIDs: [{ name, email: 'archive@example.test' }], format: 'armored' });
  return { armoredPublicKey: publicKey, armoredPrivateKey: privateKey };
}

export interface PackageSpec {
  package: string;
  version: string;
  architecture: string;
  /** Source package name (and version, for binNMUs): written as `Source:` when it differs from the package. */
  source?: string;
  sourceVersion?: string;
  /** Extra control fields (e.g. Depends). */
  fields?: Record<string, string>;
}

/** A binary package: its .deb (or, for bulk fixtures, only a stanza pointing at a file that is not served) and its index stanza. */
export interface BuiltPackage {
  spec: PackageSpec;
  filename: string;
  bytes: Buffer | null;
  stanza: string;
}

export interface SuiteSpec {
  suite: string;
  origin?: string;
  label?: string;
  /** Defaults to the suite name. */
  codename?: string;
  version?: string;
  date: Date;
  validUntil?: Date | null;
  components: Record<string, BuiltPackage[]>;
  architectures: string[];
  acquireByHash?: boolean;
  /** `all` packages listed in every binary-<arch> index (Debian's way), else in binary-all. */
  allInArchIndexes?: boolean;
  /** Which index variants to publish (default: all three). */
  variants?: ('Packages' | 'Packages.gz' | 'Packages.xz')[];
  /** Sign with this key instead of the archive's (an unknown key). */
  signWith?: SigningKey;
  /** `inrelease` (default) publishes InRelease and Release + Release.gpg; `detached` only Release + Release.gpg; `unsigned` only Release. */
  signing?: 'inrelease' | 'detached' | 'unsigned';
}

const rfc1123 = (date: Date) => date.toUTCString().replace('GMT', 'UTC');
const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');
const md5 = (bytes: Buffer | string) => createHash('md5').update(bytes).digest('hex');

/** Builds packages and suites into a map of files (path below the archive's base URL → bytes). */
export class AptArchive {
  readonly files = new Map<string, Buffer>();
  private readonly workdir = mkdtempSync(join(tmpdir(), 'apt-archive-'));

  private constructor(readonly key: SigningKey) {}

  static async create(key?: SigningKey): Promise<AptArchive> {
    return new AptArchive(key ?? (await makeSigningKey()));
  }

  /** A real .deb made with `dpkg-deb --build`, placed in the pool. */
  buildDeb(spec: PackageSpec, component = 'main'): BuiltPackage {
    const source = spec.source ?? spec.package;
    const dir = join(this.workdir, `${spec.package}_${spec.version}_${spec.architecture}`.replace(/[:~]/g, '_'));
    mkdirSync(join(dir, 'DEBIAN'), { recursive: true });
    mkdirSync(join(dir, 'usr/share/doc', spec.package), { recursive: true });
    writeFileSync(join(dir, 'usr/share/doc', spec.package, 'README'), `${spec.package} ${spec.version}\n`);
    const control = [
      `Package: ${spec.package}`,
      `Version: ${spec.version}`,
      `Architecture: ${spec.architecture}`,
      'Maintainer: Patchgate Tests <tests@example.test>',
      ...(source !== spec.package || spec.sourceVersion ? [`Source: ${source}${spec.sourceVersion ? ` (${spec.sourceVersion})` : ''}`] : []),
      ...Object.entries(spec.fields ?? {}).map(([k, v]) => `${k}: ${v}`),
      `Description: ${spec.package} test package`,
      '',
    ].join('\n');
    writeFileSync(join(dir, 'DEBIAN/control'), control);
    const out = `${dir}.deb`;
    execFileSync('dpkg-deb', ['--root-owner-group', '-Zgzip', '--build', dir, out], { stdio: 'ignore' });
    const bytes = readFileSync(out);
    const filename = poolPath(component, source, `${spec.package}_${spec.version.replace(/^\d+:/, '')}_${spec.architecture}.deb`);
    this.files.set(filename, bytes);
    const fields = execFileSync('dpkg-deb', ['--field', out], { encoding: 'utf8' }).trimEnd();
    return { spec, filename, bytes, stanza: `${fields}\nFilename: ${filename}\nSize: ${bytes.length}\nMD5sum: ${md5(bytes)}\nSHA256: ${sha256(bytes)}` };
  }

  /** A stanza only (no .deb served): for bulk fixtures where the sync never downloads the file. */
  stanzaOnly(spec: PackageSpec, component = 'main'): BuiltPackage {
    const source = spec.source ?? spec.package;
    const filename = poolPath(component, source, `${spec.package}_${spec.version.replace(/^\d+:/, '')}_${spec.architecture}.deb`);
    const fake = `${spec.package} ${spec.version} ${spec.architecture}`;
    const lines = [
      `Package: ${spec.package}`,
      ...(source !== spec.package || spec.sourceVersion ? [`Source: ${source}${spec.sourceVersion ? ` (${spec.sourceVersion})` : ''}`] : []),
      `Version: ${spec.version}`,
      `Architecture: ${spec.architecture}`,
      ...Object.entries(spec.fields ?? {}).map(([k, v]) => `${k}: ${v}`),
      `Description: ${spec.package} test package`,
      `Filename: ${filename}`,
      `Size: ${fake.length}`,
      `SHA256: ${sha256(fake)}`,
    ];
    return { spec, filename, bytes: null, stanza: lines.join('\n') };
  }

  /** Writes a suite's indexes, Release, InRelease and Release.gpg (replacing what the suite had). */
  async publishSuite(spec: SuiteSpec): Promise<void> {
    const dist = `dists/${spec.suite}`;
    for (const path of [...this.files.keys()]) if (path.startsWith(`${dist}/`)) this.files.delete(path);
    const variants = spec.variants ?? ['Packages', 'Packages.gz', 'Packages.xz'];
    const entries: { path: string; bytes: Buffer }[] = [];
    for (const [component, packages] of Object.entries(spec.components)) {
      const arches = spec.allInArchIndexes === false ? [...spec.architectures, 'all'] : spec.architectures;
      for (const arch of arches) {
        const listed = packages.filter((p) =>
          spec.allInArchIndexes === false ? p.spec.architecture === arch : p.spec.architecture === arch || p.spec.architecture === 'all',
        );
        const text = Buffer.from(listed.map((p) => `${p.stanza}\n`).join('\n'));
        const dir = `${component}/binary-${arch}`;
        const all: Record<string, Buffer> = { Packages: text, 'Packages.gz': gzipSync(text), 'Packages.xz': execFileSync('xz', ['-c', '-6'], { input: text }) };
        for (const variant of ['Packages', 'Packages.gz', 'Packages.xz'] as const) entries.push({ path: `${dir}/${variant}`, bytes: all[variant] });
        for (const variant of variants) {
          this.files.set(`${dist}/${dir}/${variant}`, all[variant]);
          if (spec.acquireByHash !== false) this.files.set(`${dist}/${dir}/by-hash/SHA256/${sha256(all[variant])}`, all[variant]);
        }
      }
    }
    const fields = [
      `Origin: ${spec.origin ?? 'Debian'}`,
      `Label: ${spec.label ?? spec.origin ?? 'Debian'}`,
      `Suite: ${spec.suite}`,
      ...(spec.version ? [`Version: ${spec.version}`] : []),
      `Codename: ${spec.codename ?? spec.suite}`,
      `Date: ${rfc1123(spec.date)}`,
      ...(spec.validUntil ? [`Valid-Until: ${rfc1123(spec.validUntil)}`] : []),
      ...(spec.acquireByHash !== false ? ['Acquire-By-Hash: yes'] : []),
      ...(spec.allInArchIndexes !== false ? ['No-Support-for-Architecture-all: Packages'] : []),
      `Architectures: ${spec.allInArchIndexes === false ? 'all ' : ''}${spec.architectures.join(' ')}`,
      `Components: ${Object.keys(spec.components).join(' ')}`,
      'Description: Patchgate test archive',
      'MD5Sum:',
      ...entries.map((e) => ` ${md5(e.bytes)} ${String(e.bytes.length).padStart(8)} ${e.path}`),
      'SHA256:',
      ...entries.map((e) => ` ${sha256(e.bytes)} ${String(e.bytes.length).padStart(8)} ${e.path}`),
    ];
    const release = `${fields.join('\n')}\n`;
    this.files.set(`${dist}/Release`, Buffer.from(release));
    const signing = spec.signing ?? 'inrelease';
    if (signing === 'unsigned') return;
    const key = await readPrivateKey({ armoredKey: (spec.signWith ?? this.key).armoredPrivateKey });
    const detached = await sign({ message: await createMessage({ binary: Buffer.from(release) }), signingKeys: key, detached: true, format: 'armored' });
    this.files.set(`${dist}/Release.gpg`, Buffer.from(detached as string));
    if (signing === 'inrelease') {
      const clearsigned = await sign({ message: await createCleartextMessage({ text: release }), signingKeys: key });
      this.files.set(`${dist}/InRelease`, Buffer.from(clearsigned));
    }
  }

  close(): void {
    rmSync(this.workdir, { recursive: true, force: true });
  }
}

function poolPath(component: string, source: string, file: string): string {
  const prefix = source.startsWith('lib') ? source.slice(0, 4) : source[0];
  return `pool/${component}/${prefix}/${source}/${file}`;
}

export interface ArchiveRequest {
  path: string;
  headers: IncomingMessage['headers'];
  status: number;
}

/** What to answer one request with instead of the file; undefined: serve as usual. */
export type ArchiveAnswer =
  | { status: number; body?: Buffer | string }
  /** Send `body` without a Content-Length and never end the response (an endless body). */
  | { endless: Buffer | string }
  /** Declare the full length, send only the first `bytes`, then close the connection (a truncated body). */
  | { truncateAt: number };

/**
 * Serves an archive's files (or any path → bytes map) over loopback, with ETag / Last-Modified
 * and 304 for conditional requests, as a mirror does.
 */
export class AptArchiveServer {
  requests: ArchiveRequest[] = [];
  private rule: ((path: string) => ArchiveAnswer | undefined) | null = null;
  private readonly lastModified = new Map<string, { sha: string; date: string }>();
  private readonly open = new Set<ServerResponse>();

  private constructor(
    private readonly server: Server,
    readonly baseUrl: string,
    private files: Map<string, Buffer>,
  ) {}

  static async start(files: Map<string, Buffer>, basePath = '/debian'): Promise<AptArchiveServer> {
    let instance: AptArchiveServer | null = null;
    const server = createServer((req, res) => instance!.handle(req, res, basePath));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    instance = new AptArchiveServer(server, `http://127.0.0.1:${port}${basePath}`, files);
    return instance;
  }

  /** Serve another set of files from now on (e.g. after republishing). */
  serve(files: Map<string, Buffer>): void {
    this.files = files;
  }

  answerWith(rule: ((path: string) => ArchiveAnswer | undefined) | null): void {
    this.rule = rule;
  }

  /** Requests whose path ends with `suffix` (e.g. `bookworm/InRelease`). */
  requestsFor(suffix: string): ArchiveRequest[] {
    return this.requests.filter((r) => r.path.endsWith(suffix));
  }

  async close(): Promise<void> {
    for (const res of this.open) res.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse, basePath: string): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname.startsWith(`${basePath}/`) ? url.pathname.slice(basePath.length + 1) : null;
    const record = (status: number) => this.requests.push({ path: url.pathname, headers: req.headers, status });
    const answer = path !== null ? this.rule?.(path) : undefined;
    if (answer) {
      if ('endless' in answer) {
        record(200);
        this.open.add(res);
        res.on('close', () => this.open.delete(res));
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        const chunk = typeof answer.endless === 'string' ? Buffer.from(answer.endless) : answer.endless;
        const pump = () => {
          while (res.write(chunk)) if (res.destroyed) return;
          res.once('drain', pump);
        };
        pump();
        return;
      }
      if ('truncateAt' in answer) {
        const bytes = path !== null ? this.files.get(path) : undefined;
        record(200);
        res.writeHead(200, { 'content-length': String(bytes?.length ?? 1000) });
        res.write((bytes ?? Buffer.alloc(1000)).subarray(0, answer.truncateAt), () => res.destroy());
        return;
      }
      record(answer.status);
      res.writeHead(answer.status, { 'content-type': 'text/plain' });
      res.end(answer.body ?? '');
      return;
    }
    const bytes = path !== null ? this.files.get(path) : undefined;
    if (!bytes) {
      record(404);
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    const etag = `"${sha256(bytes).slice(0, 32)}"`;
    let stamp = this.lastModified.get(path!);
    if (!stamp || stamp.sha !== etag) {
      // A changed file is dated after the one it replaces, as its mtime would be: with whole seconds, a
      // fast test could otherwise publish new content in the second of the old date and get a 304 for it.
      const previous = stamp ? Date.parse(stamp.date) : 0;
      stamp = { sha: etag, date: new Date(Math.max(Math.floor(Date.now() / 1000) * 1000, previous + 1000)).toUTCString() };
      this.lastModified.set(path!, stamp);
    }
    const notModified =
      req.headers['if-none-match'] !== undefined ? req.headers['if-none-match'] === etag : req.headers['if-modified-since'] === stamp.date;
    if (notModified) {
      record(304);
      res.writeHead(304, { etag, 'last-modified': stamp.date });
      res.end();
      return;
    }
    record(200);
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(bytes.length), etag, 'last-modified': stamp.date });
    res.end(bytes);
  }
}
