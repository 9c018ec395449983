import { spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { UpstreamRefusedError } from '../upstream-kind';

const gunzipAsync = promisify(gunzip);

export type IndexCompression = 'gz' | 'xz' | 'none';

/**
 * Decompresses an index whose compressed bytes already matched the signed Release. Output is
 * capped at `maxBytes`: a small file that expands without end is refused, not held. `.xz` goes
 * through the system's xz (xz-utils), as Node has no LZMA decoder.
 */
export async function decompressIndex(body: Buffer, compression: IndexCompression, maxBytes: number, what: string): Promise<Buffer> {
  if (compression === 'none') return body;
  if (compression === 'gz') {
    try {
      return await gunzipAsync(body, { maxOutputLength: maxBytes });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) {
        throw new UpstreamRefusedError(`${what}: decompresses to more than ${maxBytes} bytes (the index size limit)`);
      }
      throw new UpstreamRefusedError(`${what}: not a valid gzip file (${(error as Error).message})`);
    }
  }
  return new Promise<Buffer>((resolve, reject) => {
    const child = spawn('xz', ['--decompress', '--stdout', '--quiet'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let total = 0;
    let tooLarge = false;
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > maxBytes) {
        tooLarge = true;
        child.kill('SIGKILL');
        return;
      }
      chunks.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 500) stderr += chunk.toString('utf8');
    });
    child.on('error', (error) => reject(new Error(`${what}: cannot run xz to decompress (${error.message}); install xz-utils`)));
    child.on('close', (code) => {
      if (tooLarge) return reject(new UpstreamRefusedError(`${what}: decompresses to more than ${maxBytes} bytes (the index size limit)`));
      if (code !== 0) return reject(new UpstreamRefusedError(`${what}: not a valid xz file (${stderr.trim().slice(0, 200)})`));
      resolve(Buffer.concat(chunks, total));
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(body);
  });
}
