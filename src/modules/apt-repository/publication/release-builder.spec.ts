import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { OpenPgpSigner } from '../../signing/openpgp-signer';
import { republishStanza } from './control-stanza';
import { buildIndexes, buildRelease, byHashPath, releaseDate, SuiteContent } from './release-builder';
import { signRelease } from './signed-release';

const upstreamStanza = (name: string, version: string, arch: string, extra = '') =>
  `Package: ${name}\nVersion: ${version}\nArchitecture: ${arch}\n${extra}Filename: pool/main/${name[0]}/${name}/${name}_${version}_${arch}.deb\nSize: 100\nSHA256: ${'a'.repeat(64)}\nDescription: ${name}\n a longer description\n .\n second paragraph\n`;

const content = (binaries: { name: string; version: string; arch: string; extra?: string }[]): SuiteContent => ({
  suite: 'bookworm-approved',
  codename: 'bookworm-approved',
  origin: 'Patchgate',
  label: 'Patchgate debian bookworm',
  architectures: ['amd64'],
  components: new Map([
    ['main', binaries.map((b) => ({ package: b.name, version: b.version, architecture: b.arch, stanza: republishStanza(upstreamStanza(b.name, b.version, b.arch, b.extra), `pool/${'b'.repeat(64)}/${b.name}_${b.version}_${b.arch}.deb`) }))],
  ]),
});

describe('APT release files', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pg-release-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('republishes a stanza with the pool Filename and without Phased-Update-Percentage, keeping every other byte', () => {
    const stanza = upstreamStanza('openssl', '3.0.15-1~deb12u1', 'amd64', 'Phased-Update-Percentage: 10\n');
    const out = republishStanza(stanza, 'pool/abc/openssl_3.0.15-1~deb12u1_amd64.deb');
    expect(out).toBe(stanza.replace('Phased-Update-Percentage: 10\n', '').replace(/^Filename: .*$/m, 'Filename: pool/abc/openssl_3.0.15-1~deb12u1_amd64.deb'));
  });

  it('lists every index with its size and SHA256, Architecture: all in every arch, the same bytes for the same content', () => {
    const suite = content([{ name: 'zlib1g', version: '1:1.2.13', arch: 'amd64' }, { name: 'base-files', version: '12.4', arch: 'all' }, { name: 'armonly', version: '1', arch: 'arm64' }]);
    const indexes = buildIndexes(suite);
    const packages = indexes.files.find((f) => f.path === 'main/binary-amd64/Packages')!;
    expect(packages.bytes.toString()).toMatch(/^Package: base-files\n[\s\S]*\n\nPackage: zlib1g\n/);
    expect(packages.bytes.toString()).not.toContain('armonly');
    const gz = indexes.files.find((f) => f.path === 'main/binary-amd64/Packages.gz')!;
    expect(gunzipSync(gz.bytes)).toEqual(packages.bytes);
    expect(byHashPath(gz)).toBe(`main/binary-amd64/by-hash/SHA256/${createHash('sha256').update(gz.bytes).digest('hex')}`);

    const reordered = buildIndexes(content([{ name: 'armonly', version: '1', arch: 'arm64' }, { name: 'base-files', version: '12.4', arch: 'all' }, { name: 'zlib1g', version: '1:1.2.13', arch: 'amd64' }]));
    expect(reordered.digest).toBe(indexes.digest);
    expect(reordered.files.map((f) => f.bytes)).toEqual(indexes.files.map((f) => f.bytes));

    const date = new Date('2026-12-06T02:21:02.000Z');
    const release = buildRelease(suite, indexes, { date, validUntil: new Date(date.getTime() + 7 * 86_400_000) });
    expect(release).toContain('Date: Sun, 06 Dec 2026 02:21:02 UTC\nValid-Until: Sun, 13 Dec 2026 02:21:02 UTC\n');
    expect(release).toContain('Acquire-By-Hash: yes\n');
    for (const file of indexes.files) expect(release).toContain(` ${file.sha256} ${String(file.bytes.length).padStart(3)} ${file.path}\n`);
    expect(releaseDate(date)).toBe('Sun, 06 Dec 2026 02:21:02 UTC');
  });

  it('signs InRelease and Release.gpg so that the real gpgv accepts both, and rejects them under another key', async () => {
    const made = await OpenPgpSigner.generate('Patchgate test repository key');
    const signer = await OpenPgpSigner.load(made.armoredPrivateKey);
    const other = await OpenPgpSigner.generate('Someone else');
    const keyring = (armored: string, name: string) => {
      const path = join(dir, name);
      writeFileSync(path, execFileSync('gpg', ['--dearmor'], { input: armored }));
      return path;
    };
    const ours = keyring(made.armoredPublicKey, 'ours.gpg');
    const theirs = keyring(other.armoredPublicKey, 'theirs.gpg');

    const suite = content([{ name: 'hello', version: '2.10-3', arch: 'amd64' }]);
    const release = buildRelease(suite, buildIndexes(suite), { date: new Date(), validUntil: new Date(Date.now() + 86_400_000) });
    const signed = await signRelease(release, signer);
    const files = { release: join(dir, 'Release'), gpg: join(dir, 'Release.gpg'), inRelease: join(dir, 'InRelease') };
    writeFileSync(files.release, signed.release);
    writeFileSync(files.gpg, signed.releaseGpg);
    writeFileSync(files.inRelease, signed.inRelease);

    const gpgv = (keyringPath: string, ...args: string[]) => spawnSync('gpgv', ['--keyring', keyringPath, ...args], { encoding: 'utf8' });
    const detached = gpgv(ours, files.gpg, files.release);
    expect(detached.stderr).toContain('Good signature');
    expect(detached.status).toBe(0);
    const inline = gpgv(ours, '--output', join(dir, 'verified'), files.inRelease);
    expect(inline.status).toBe(0);
    // apt reads the signed text of InRelease: it must be the Release bytes exactly.
    expect(execFileSync('cat', [join(dir, 'verified')]).toString()).toBe(release);
    expect(gpgv(theirs, files.gpg, files.release).status).not.toBe(0);
    expect(gpgv(theirs, files.inRelease).status).not.toBe(0);

    writeFileSync(files.release, Buffer.from(release.replace('Origin: Patchgate', 'Origin: Patchgatf')));
    expect(gpgv(ours, files.gpg, files.release).status).not.toBe(0);
  });
});
