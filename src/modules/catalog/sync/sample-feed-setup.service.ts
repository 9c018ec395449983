import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../../infra/config/app-config';
import { SyncConfigRepository } from './sync-config.repository';
import { SyncRunLauncher } from './sync-run-launcher.service';

const SAMPLE_FEED_ENTRY = join('config', 'sample-feed', 'index.json');

/**
 * The bundled sample feed's entry point: found by walking up from this file, so it resolves from
 * `src/…` (tests), `dist/src/…` (npm start) and `/app/dist/src/…` (the image) alike.
 */
export function findSampleFeed(from: string = __dirname): string | null {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, SAMPLE_FEED_ENTRY);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return null;
  }
}

/** Local mode's first start: point sync at the bundled sample feed and sync it once. */
@Injectable()
export class SampleFeedSetup {
  private readonly logger = new Logger(SampleFeedSetup.name);

  constructor(
    private readonly config: AppConfig,
    private readonly configs: SyncConfigRepository,
    private readonly launcher: SyncRunLauncher,
  ) {}

  /** When the sample feed is on and no upstream is configured yet: configures it and queues a run. */
  async configureOnFirstStart(): Promise<{ url: string; syncRunId: string } | null> {
    if (!this.config.sampleFeed) return null;
    const file = findSampleFeed();
    if (!file) {
      this.logger.warn(`PATCHGATE_SAMPLE_FEED is on but ${SAMPLE_FEED_ENTRY} is not found; configure an upstream instead`);
      return null;
    }
    const url = pathToFileURL(file).href;
    const configured = await this.configs.insertIfAbsent({
      upstreamKind: 'feed',
      upstreamUrl: url,
      upstreamToken: null,
      upstreamSettings: null,
      schedule: null,
      products: [],
      classifications: [],
      updatedBy: 'local mode (PATCHGATE_SAMPLE_FEED)',
    });
    if (!configured) return null;
    const { run } = await this.launcher.launch('manual', null);
    return { url, syncRunId: run.id };
  }
}
