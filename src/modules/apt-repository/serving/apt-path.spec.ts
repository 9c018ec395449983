import { parseAptPath } from './apt-path';

describe('parseAptPath', () => {
  const sha = 'ab'.repeat(32);

  it('reads release files, indexes, by-hash and pool paths', () => {
    expect(parseAptPath('dists/bookworm/InRelease')).toEqual({ kind: 'release', suite: 'bookworm', file: 'InRelease' });
    expect(parseAptPath('dists/bookworm-approved/Release.gpg')).toEqual({ kind: 'release', suite: 'bookworm-approved', file: 'Release.gpg' });
    expect(parseAptPath('dists/bookworm/main/binary-amd64/Packages.gz')).toEqual({ kind: 'index', suite: 'bookworm', path: 'main/binary-amd64/Packages.gz' });
    expect(parseAptPath(`dists/bookworm/main/binary-amd64/by-hash/SHA256/${sha}`)).toEqual({ kind: 'by-hash', suite: 'bookworm', sha256: sha });
    expect(parseAptPath(`pool/${sha}/libssl3_3.0.15-1~deb12u1_amd64.deb`)).toEqual({ kind: 'pool', sha256: sha, fileName: 'libssl3_3.0.15-1~deb12u1_amd64.deb' });
    expect(parseAptPath(`pool/${sha}/libc6_2.36-9%2bdeb12u4_amd64.deb`)).toMatchObject({ fileName: 'libc6_2.36-9+deb12u4_amd64.deb' });
  });

  it('refuses anything else: traversal, other files, upper-case digests, overlong paths', () => {
    for (const path of [
      'dists/../etc/passwd', 'dists/bookworm/Contents-amd64', 'dists/bookworm/main/binary-amd64/Packages.xz', `pool/${sha.toUpperCase()}/x.deb`,
      `pool/${sha}/../x.deb`, `pool/${sha}/x.txt`, `dists/bookworm/main/binary-amd64/by-hash/MD5Sum/${sha}`, `dists/${'a'.repeat(600)}/InRelease`, '', `pool/${sha}/x%zz.deb`,
    ]) {
      expect(parseAptPath(path)).toBeNull();
    }
  });
});
