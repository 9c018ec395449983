import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { ContentVerificationError } from './content-storage';
import { LocalDiskStorage } from './local-disk.storage';

const sha256Of = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const read = async (stream: Readable) => Buffer.concat(await stream.toArray());

describe(LocalDiskStorage.name, () => {
  const payload = randomBytes(10_000);
  const sha256 = sha256Of(payload);
  let dir: string;
  let storage: LocalDiskStorage;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pg-content-'));
    storage = new LocalDiskStorage(dir);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const keepPartial = (bytes: Buffer) => {
    mkdirSync(join(dir, 'partial'), { recursive: true });
    writeFileSync(join(dir, 'partial', sha256), bytes);
  };

  it('publishes a verified file, readable whole or by range, and lists it', async () => {
    await storage.write(sha256, payload.length, async (offset) => ({ stream: Readable.from([payload.subarray(offset)]), offset }));
    expect(await storage.size(sha256)).toBe(payload.length);
    expect((await read(storage.createReadStream(sha256))).equals(payload)).toBe(true);
    expect((await read(storage.createReadStream(sha256, { start: 10, end: 19 }))).equals(payload.subarray(10, 20))).toBe(true);
    const listed: string[] = [];
    for await (const name of storage.list()) listed.push(name);
    expect(listed).toEqual([sha256]);
    await storage.delete(sha256);
    expect(await storage.has(sha256)).toBe(false);
  });

  it('resumes from the partial copy an interrupted attempt kept', async () => {
    keepPartial(payload.subarray(0, 4000));
    const asked: number[] = [];
    await storage.write(sha256, payload.length, async (offset) => {
      asked.push(offset);
      return { stream: Readable.from([payload.subarray(offset)]), offset };
    });
    expect(asked).toEqual([4000]);
    expect((await read(storage.createReadStream(sha256))).equals(payload)).toBe(true);
  });

  it('starts over when the source answers from byte 0 instead', async () => {
    keepPartial(randomBytes(4000));
    await storage.write(sha256, payload.length, async () => ({ stream: Readable.from([payload]), offset: 0 }));
    expect((await read(storage.createReadStream(sha256))).equals(payload)).toBe(true);
  });

  it('publishes nothing and drops the partial copy when the bytes are wrong or too many', async () => {
    const wrong = Buffer.from(payload);
    wrong[0] ^= 1;
    for (const bytes of [wrong, Buffer.concat([payload, Buffer.from('x')]), payload.subarray(1)]) {
      const attempt = storage.write(sha256, payload.length, async () => ({ stream: Readable.from([bytes]), offset: 0 }));
      await expect(attempt).rejects.toBeInstanceOf(ContentVerificationError);
      expect(await storage.has(sha256)).toBe(false);
      expect(existsSync(join(dir, 'partial', sha256))).toBe(false);
    }
  });

  it('keeps the partial copy when the transfer fails, for the next attempt', async () => {
    const failing = new Readable({
      read() {
        this.push(payload.subarray(0, 3000));
        this.destroy(new Error('connection reset'));
      },
    });
    await expect(storage.write(sha256, payload.length, async () => ({ stream: failing, offset: 0 }))).rejects.toThrow('connection reset');
    expect(await storage.has(sha256)).toBe(false);
    expect(existsSync(join(dir, 'partial', sha256))).toBe(true);
  });

  it('refuses names that are not a sha256', async () => {
    await expect(storage.size('../../etc/passwd')).rejects.toThrow('not a lowercase sha256');
  });
});
