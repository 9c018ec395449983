import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, opendir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ByteRange } from '../byte-range';
import { ContentStorage, ContentVerificationError, SourceStream } from './content-storage';

const SHA256 = /^[0-9a-f]{64}$/;

/**
 * Files on local disk: `<dir>/files/<first two hex digits>/<sha256>` once verified, and
 * `<dir>/partial/<sha256>` while downloading. Both folders are on one file system, so publishing is
 * a rename: a reader sees the whole verified file or nothing.
 */
export class LocalDiskStorage implements ContentStorage {
  constructor(private readonly dir: string) {}

  async has(sha256: string): Promise<boolean> {
    return (await this.size(sha256)) !== null;
  }

  async size(sha256: string): Promise<number | null> {
    return sizeOf(this.filePath(sha256));
  }

  createReadStream(sha256: string, range?: ByteRange): Readable {
    return createReadStream(this.filePath(sha256), range ? { start: range.start, end: range.end } : {});
  }

  async write(sha256: string, size: number, open: (offset: number) => Promise<SourceStream>): Promise<void> {
    const partial = this.partialPath(sha256);
    await mkdir(join(this.dir, 'partial'), { recursive: true });
    const kept = (await sizeOf(partial)) ?? 0;
    // A partial copy as long as the file (a crash before publishing) starts over: nothing is left to ask for.
    const source = await open(kept >= size ? 0 : kept);
    let written = source.offset;
    const limit = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        written += chunk.length;
        if (written > size) done(new ContentVerificationError(`more than the declared ${size} bytes arrived`));
        else done(null, chunk);
      },
    });
    try {
      await pipeline(source.stream, limit, createWriteStream(partial, { flags: source.offset > 0 ? 'a' : 'w', mode: 0o600 }));
      const digest = await sha256Of(partial);
      if (written !== size) throw new ContentVerificationError(`${written} bytes arrived, ${size} declared`);
      if (digest !== sha256) throw new ContentVerificationError(`the bytes have sha256 ${digest}`);
    } catch (error) {
      if (error instanceof ContentVerificationError) await rm(partial, { force: true });
      throw error;
    }
    await mkdir(join(this.dir, 'files', sha256.slice(0, 2)), { recursive: true });
    await rename(partial, this.filePath(sha256));
  }

  async delete(sha256: string): Promise<void> {
    await rm(this.filePath(sha256), { force: true });
    await rm(this.partialPath(sha256), { force: true });
  }

  async *list(): AsyncIterable<string> {
    const root = join(this.dir, 'files');
    if ((await sizeOf(root)) === null) return;
    for await (const prefix of await opendir(root)) {
      if (!prefix.isDirectory()) continue;
      for await (const file of await opendir(join(root, prefix.name))) {
        if (file.isFile() && SHA256.test(file.name)) yield file.name;
      }
    }
  }

  private filePath(sha256: string): string {
    return join(this.dir, 'files', checked(sha256).slice(0, 2), sha256);
  }

  private partialPath(sha256: string): string {
    return join(this.dir, 'partial', checked(sha256));
  }
}

/** A sha256 is the only name a path is built from: never anything that could leave the folder. */
function checked(sha256: string): string {
  if (!SHA256.test(sha256)) throw new Error(`not a lowercase sha256: ${sha256}`);
  return sha256;
}

async function sizeOf(path: string): Promise<number | null> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
