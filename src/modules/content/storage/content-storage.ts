import { Readable } from 'node:stream';
import { ByteRange } from '../byte-range';

/** What a download source hands the store: a stream of the file from byte `offset` on. */
export interface SourceStream {
  stream: Readable;
  /** where the stream starts: the offset asked for (resumed) or 0 (the source restarted) */
  offset: number;
}

/** A file whose bytes are not the ones its sha256 and size promise; it is never published. */
export class ContentVerificationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContentVerificationError';
  }
}

/**
 * Where stored files live, by sha256. Every implementation publishes a file only after verifying
 * it, so `has`, `size` and `createReadStream` never see unverified bytes. Local disk is the
 * default; docs/content.md says what an S3-compatible implementation must do.
 */
export interface ContentStorage {
  has(sha256: string): Promise<boolean>;
  /** bytes of a stored file; null when it is not stored */
  size(sha256: string): Promise<number | null>;
  /** a stored file's bytes (or one range of them), streamed */
  createReadStream(sha256: string, range?: ByteRange): Readable;
  /**
   * Downloads a file into place: asks `open` for the bytes from where an earlier, interrupted
   * attempt stopped (kept for resuming), streams them to a private partial copy, then checks size
   * and sha256 and publishes the file atomically. Throws ContentVerificationError (and drops the
   * partial copy) when the bytes are wrong; any other error keeps the partial copy for a retry.
   */
  write(sha256: string, size: number, open: (offset: number) => Promise<SourceStream>): Promise<void>;
  delete(sha256: string): Promise<void>;
  /** every stored sha256 */
  list(): AsyncIterable<string>;
}

export const CONTENT_STORAGE = Symbol('CONTENT_STORAGE');
