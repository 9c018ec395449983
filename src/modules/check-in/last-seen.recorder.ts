import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { CheckInRepository } from './check-in.repository';

const FLUSH_EVERY_MS = 5000;

/**
 * Last contact is written in batches: a check-in only notes the time in memory, and one UPDATE
 * every few seconds stores all of them. At worst the last few seconds are lost in a crash, which
 * only makes a computer look a few seconds staler than it is.
 */
@Injectable()
export class LastSeenRecorder implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(LastSeenRecorder.name);
  private seen = new Map<string, Date>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly checkIns: CheckInRepository) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush(), FLUSH_EVERY_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  note(computerId: string, at = new Date()): void {
    this.seen.set(computerId, at);
  }

  async flush(): Promise<void> {
    if (!this.seen.size) return;
    const batch = this.seen;
    this.seen = new Map();
    try {
      await this.checkIns.recordLastSeen(batch);
    } catch (error) {
      // Keep what failed for the next round unless a newer contact replaced it.
      for (const [id, at] of batch) if (!this.seen.has(id)) this.seen.set(id, at);
      this.logger.warn({ err: error }, 'storing last-contact times failed; will retry');
    }
  }
}
