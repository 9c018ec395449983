import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { UpstreamRefusedError } from '../upstream-kind';
import { decompressIndex } from './index-decompression';

const TEXT = Buffer.from(Array.from({ length: 4000 }, (_, i) => `Package: p${i}\nVersion: 1.${i}\n`).join('\n'));
const GZ = gzipSync(TEXT);
const XZ = execFileSync('xz', ['-c', '-6'], { input: TEXT });

describe('decompressIndex', () => {
  it.each([
    ['gz', GZ],
    ['xz', XZ],
  ] as const)('decompresses %s, with and without the signed size', async (compression, body) => {
    expect((await decompressIndex(body, compression, TEXT.length, 'index', TEXT.length)).equals(TEXT)).toBe(true);
    expect((await decompressIndex(body, compression, 10 * TEXT.length, 'index')).equals(TEXT)).toBe(true);
  });

  it.each([
    ['gz', GZ],
    ['xz', XZ],
  ] as const)('gives the whole %s output when it differs from the signed size, for the caller to refuse', async (compression, body) => {
    expect((await decompressIndex(body, compression, 2 * TEXT.length, 'index', TEXT.length - 10)).equals(TEXT)).toBe(true);
    expect((await decompressIndex(body, compression, 2 * TEXT.length, 'index', TEXT.length + 10)).equals(TEXT)).toBe(true);
  });

  it.each([
    ['gz', GZ],
    ['xz', XZ],
  ] as const)('refuses %s output past the limit', async (compression, body) => {
    await expect(decompressIndex(body, compression, TEXT.length - 1, 'index', TEXT.length - 1)).rejects.toThrow(
      new UpstreamRefusedError(`index: decompresses to more than ${TEXT.length - 1} bytes (the index size limit)`),
    );
  });

  it('refuses what is not gzip or xz', async () => {
    await expect(decompressIndex(TEXT, 'gz', 2 * TEXT.length, 'index', TEXT.length)).rejects.toThrow(/^index: not a valid gzip file \(/);
    await expect(decompressIndex(GZ.subarray(0, GZ.length - 20), 'gz', 2 * TEXT.length, 'index', TEXT.length)).rejects.toThrow(/^index: not a valid gzip file \(/);
    await expect(decompressIndex(TEXT, 'xz', 2 * TEXT.length, 'index', TEXT.length)).rejects.toThrow(/^index: not a valid xz file/);
  });

  it('returns an uncompressed index as it is', async () => {
    expect(await decompressIndex(TEXT, 'none', TEXT.length, 'index')).toBe(TEXT);
  });
});
