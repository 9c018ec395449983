import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, mkdirSync, renameSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OfferedFile } from './response-verifier';

export type DownloadErrorCode = 'size_exceeded' | 'hash_mismatch' | 'download_failed';

export class DownloadError extends Error {
  constructor(
    readonly code: DownloadErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const TIMEOUT_MS = 10 * 60_000;

/** The agent's own server and its computer token: sent with downloads from that origin only. */
export interface ServerCredentials {
  server: string;
  token: string;
}

/**
 * Fetches one offered file into `dir`, never trusting the transport: the bytes stream to a
 * temporary file, the download stops the moment more bytes arrive than the signed size allows,
 * and the file is kept only when its sha256 is the signed one. Answers the path of the file,
 * under its offered (base)name. The computer token goes only to the server's own origin (its
 * content store), never to an upstream's URL.
 */
export async function downloadFile(file: OfferedFile, dir: string, credentials?: ServerCredentials): Promise<string> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const name = basename(file.name).replace(/[^\w.+-]/g, '_') || 'file';
  const folder = join(dir, randomBytes(6).toString('hex'));
  mkdirSync(folder, { mode: 0o700 });
  const part = join(folder, `${name}.part`);
  const done = join(folder, name);
  try {
    const hash = createHash('sha256');
    let received = 0;
    const handle = await open(part, 'wx', 0o600);
    try {
      for await (const chunk of openSource(file.url, file.size, credentials)) {
        received += chunk.length;
        if (received > file.size) {
          throw new DownloadError('size_exceeded', `${file.name}: more than the declared ${file.size} bytes arrived`);
        }
        hash.update(chunk);
        await handle.write(chunk);
      }
    } finally {
      await handle.close();
    }
    const digest = hash.digest('hex');
    if (digest !== file.sha256.toLowerCase()) {
      throw new DownloadError('hash_mismatch', `${file.name}: sha256 ${digest} (${received} bytes), expected ${file.sha256} (${file.size} bytes)`);
    }
    renameSync(part, done);
    return done;
  } catch (error) {
    rmSync(folder, { recursive: true, force: true });
    if (error instanceof DownloadError) throw error;
    throw new DownloadError('download_failed', `${file.name}: ${(error as Error).message}`);
  }
}

/** Deletes a file downloadFile answered, with its folder. */
export function discardDownload(path: string): void {
  rmSync(join(path, '..'), { recursive: true, force: true });
}

async function* openSource(url: string, declaredSize: number, credentials?: ServerCredentials): AsyncGenerator<Buffer> {
  const parsed = new URL(url);
  if (parsed.protocol === 'file:') {
    for await (const chunk of createReadStream(fileURLToPath(parsed))) yield chunk as Buffer;
    return;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error(`unsupported URL scheme ${parsed.protocol}`);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error('download timed out')), TIMEOUT_MS);
  try {
    const own = credentials !== undefined && new URL(credentials.server).origin === parsed.origin;
    // No redirects with the token: a redirect could carry it to another origin.
    const res = own
      ? await fetch(url, { signal: controller.signal, redirect: 'error', headers: { authorization: `Bearer ${credentials.token}` } })
      : await fetch(url, { signal: controller.signal, redirect: 'follow' });
    if (res.status !== 200) {
      await res.body?.cancel();
      throw new Error(`HTTP ${res.status}`);
    }
    const length = Number(res.headers.get('content-length'));
    if (res.headers.has('content-length') && Number.isFinite(length) && length > declaredSize) {
      controller.abort();
      throw new DownloadError('size_exceeded', `${basename(parsed.pathname)}: the server announces ${length} bytes, more than the declared ${declaredSize}`);
    }
    if (!res.body) return;
    const reader = res.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        yield Buffer.from(value);
      }
    } finally {
      // Reached early when the caller stops (size cap): drop the connection rather than drain it.
      controller.abort();
      reader.releaseLock();
    }
  } finally {
    clearTimeout(timer);
  }
}
