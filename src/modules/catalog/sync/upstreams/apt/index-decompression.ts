import { spawn } from 'node:child_process';
import { createGunzip } from 'node:zlib';
import { UpstreamRefusedError } from '../upstream-kind';

export type IndexCompression = 'gz' | 'xz' | 'none';

/**
 * Collects a decompressed index. With the size the signed Release gives for the uncompressed
 * file (`sizeHint`), the output is written straight into one buffer of that size, so a 50 MB
 * index costs 50 MB rather than its chunks plus their concatenation. Past `maxBytes` it refuses.
 */
class CappedOutput {
  private target: Buffer | null;
  private readonly chunks: Buffer[] = [];
  private total = 0;

  constructor(
    private readonly maxBytes: number,
    sizeHint: number | null,
  ) {
    this.target = sizeHint !== null && sizeHint > 0 && sizeHint <= maxBytes ? Buffer.allocUnsafe(sizeHint) : null;
  }

  /** False when the output would pass `maxBytes`. */
  add(chunk: Buffer): boolean {
    if (this.total + chunk.length > this.maxBytes) return false;
    if (this.target && this.total + chunk.length <= this.target.length) {
      chunk.copy(this.target, this.total);
    } else {
      // Longer than the Release says (the caller refuses it): keep collecting up to maxBytes.
      if (this.target) this.chunks.push(this.target.subarray(0, this.total));
      this.target = null;
      this.chunks.push(chunk);
    }
    this.total += chunk.length;
    return true;
  }

  result(): Buffer {
    if (this.target) return this.total === this.target.length ? this.target : this.target.subarray(0, this.total);
    return Buffer.concat(this.chunks, this.total);
  }
}

/**
 * Decompresses an index whose compressed bytes already matched the signed Release, as a stream.
 * Output is capped at `maxBytes`: a small file that expands without end is refused, not held.
 * `sizeHint` is the uncompressed size the signed Release lists, if any (the caller still checks
 * size and hash). `.xz` goes through the system's xz (xz-utils), as Node has no LZMA decoder.
 */
export async function decompressIndex(body: Buffer, compression: IndexCompression, maxBytes: number, what: string, sizeHint: number | null = null): Promise<Buffer> {
  if (compression === 'none') return body;
  const tooLarge = () => new UpstreamRefusedError(`${what}: decompresses to more than ${maxBytes} bytes (the index size limit)`);
  const output = new CappedOutput(maxBytes, sizeHint);
  if (compression === 'gz') {
    return new Promise<Buffer>((resolve, reject) => {
      const gunzip = createGunzip();
      let failed = false;
      const fail = (error: Error) => {
        if (failed) return;
        failed = true;
        gunzip.destroy();
        reject(error);
      };
      gunzip.on('data', (chunk: Buffer) => {
        if (!output.add(chunk)) fail(tooLarge());
      });
      gunzip.on('error', (error) => fail(new UpstreamRefusedError(`${what}: not a valid gzip file (${error.message})`)));
      gunzip.on('end', () => {
        if (!failed) resolve(output.result());
      });
      gunzip.end(body);
    });
  }
  return new Promise<Buffer>((resolve, reject) => {
    const child = spawn('xz', ['--decompress', '--stdout', '--quiet'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let overLimit = false;
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      if (overLimit) return;
      if (!output.add(chunk)) {
        overLimit = true;
        child.kill('SIGKILL');
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 500) stderr += chunk.toString('utf8');
    });
    child.on('error', (error) => reject(new Error(`${what}: cannot run xz to decompress (${error.message}); install xz-utils`)));
    child.on('close', (code) => {
      if (overLimit) return reject(tooLarge());
      if (code !== 0) return reject(new UpstreamRefusedError(`${what}: not a valid xz file (${stderr.trim().slice(0, 200)})`));
      resolve(output.result());
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(body);
  });
}
