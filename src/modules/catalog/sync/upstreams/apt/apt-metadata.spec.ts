import { parseRelease, readBinaryStanza, stanzaRanges, stanzaText } from './apt-metadata';

const INDEX = Buffer.from(
  [
    'Package: libssl3',
    'Source: openssl',
    'Version: 3.0.15-1~deb12u1',
    'Architecture: amd64',
    'Maintainer: Debian OpenSSL Team <pkg-openssl-devel@alioth-lists.debian.net>',
    'Description: Secure Sockets Layer toolkit - shared libraries',
    ' This package is part of the OpenSSL project.',
    'Filename: pool/main/o/openssl/libssl3_3.0.15-1~deb12u1_amd64.deb',
    'Size: 2030000',
    `SHA256: ${'a'.repeat(64)}`,
    '',
    'Package: gcc-12-base',
    'Source: gcc-12 (12.2.0-14+deb12u1)',
    'Version: 12.2.0-14+deb12u1+b1',
    'Architecture: amd64',
    'Description: GCC, the GNU Compiler Collection (base package) — «unicode»',
    'Filename: pool/main/g/gcc-12/gcc-12-base_12.2.0-14+deb12u1+b1_amd64.deb',
    'Size: 37000',
    `SHA256: ${'b'.repeat(64)}`,
    '',
    '',
  ].join('\n'),
  'utf8',
);

describe('apt metadata', () => {
  it('reads binary stanzas from an index buffer, with the source of binNMUs and the stanza text as written', () => {
    const binaries = [...stanzaRanges(INDEX)].map(([start, end]) => readBinaryStanza(INDEX, start, end));
    expect(binaries).toHaveLength(2);
    expect(binaries[0]).toMatchObject({ package: 'libssl3', source: 'openssl', sourceVersion: '3.0.15-1~deb12u1', architecture: 'amd64', size: 2030000 });
    expect(binaries[1]).toMatchObject({ package: 'gcc-12-base', source: 'gcc-12', sourceVersion: '12.2.0-14+deb12u1', version: '12.2.0-14+deb12u1+b1' });
    const second = binaries[1] as Parameters<typeof stanzaText>[0];
    expect(stanzaText(second)).toContain('«unicode»');
    expect(stanzaText(second).startsWith('Package: gcc-12-base\n')).toBe(true);
    expect(stanzaText(second).endsWith(`SHA256: ${'b'.repeat(64)}`)).toBe(true);
  });

  it.each([
    ['Filename', 'lacks Filename'],
    ['SHA256', 'lacks SHA256'],
  ])('refuses a stanza without %s', (field, problem) => {
    const text = Buffer.from(INDEX.toString('utf8').split('\n\n')[0].split('\n').filter((l) => !l.startsWith(`${field}:`)).join('\n'));
    expect(readBinaryStanza(text, 0, text.length)).toEqual({ problem: `stanza of libssl3 ${problem}` });
  });

  it('refuses a Filename that leaves the archive', () => {
    const text = Buffer.from(INDEX.toString('utf8').split('\n\n')[0].replace('Filename: pool/', 'Filename: ../../etc/'));
    expect(readBinaryStanza(text, 0, text.length)).toEqual({ problem: 'stanza of libssl3 has an unusable Filename' });
  });

  it('reads a Release: dates, Valid-Until, by-hash, and only the SHA256 list', () => {
    const release = parseRelease(
      [
        'Origin: Debian',
        'Label: Debian-Security',
        'Suite: oldstable-security',
        'Version: 12',
        'Codename: bookworm-security',
        'Date: Fri, 04 Dec 2026 03:54:28 UTC',
        'Valid-Until: Fri, 11 Dec 2026 03:54:28 UTC',
        'Acquire-By-Hash: yes',
        'Architectures: amd64 arm64',
        'Components: updates/main',
        'MD5Sum:',
        ` ${'c'.repeat(32)}  2582634 main/binary-amd64/Packages`,
        'SHA256:',
        ` ${'d'.repeat(64)}  2582634 main/binary-amd64/Packages`,
        ` ${'e'.repeat(64)}   385992 main/binary-amd64/Packages.xz`,
      ].join('\n'),
    );
    expect(release).toMatchObject({
      origin: 'Debian', label: 'Debian-Security', codename: 'bookworm-security', version: '12', acquireByHash: true, allInArchIndexes: false,
      date: new Date('2026-12-04T03:54:28Z'), validUntil: new Date('2026-12-11T03:54:28Z'), architectures: ['amd64', 'arm64'],
    });
    expect('sha256' in release && [...release.sha256]).toEqual([
      ['main/binary-amd64/Packages', { sha256: 'd'.repeat(64), size: 2582634 }],
      ['main/binary-amd64/Packages.xz', { sha256: 'e'.repeat(64), size: 385992 }],
    ]);
    expect(parseRelease('Origin: Debian\n')).toEqual({ problem: 'Release has no valid Date field' });
  });
});
