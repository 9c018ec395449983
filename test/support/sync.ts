import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { QueueName } from '../../src/infra/queue/queue-names';
import { TestApp } from './test-app';

export interface UpstreamConfig {
  kind: 'feed' | 'patchgate';
  url: string;
  token?: string | null;
}

export interface SyncRun {
  id: string;
  trigger: 'manual' | 'scheduled';
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  upstream: { kind: string; url: string };
  newUpdates: number;
  revisedUpdates: number;
  expiredUpdates: number;
  unchangedUpdates: number;
  itemErrorCount: number;
  itemErrors: { updateId: string | null; reason: string }[];
  cursorBefore: string | null;
  cursorAfter: string | null;
  error: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  progress: { pagesProcessed: number; itemsProcessed: number; itemsFiltered: number };
}

/** PUT /api/v1/sync/config; fails the test unless it is accepted. */
export async function configureUpstream(
  app: TestApp,
  token: string,
  upstream: UpstreamConfig,
  extra: { schedule?: string | null; products?: string[]; classifications?: string[] } = {},
): Promise<void> {
  const res = await app.http.put('/api/v1/sync/config', { upstream, ...extra }, { token });
  if (res.status !== 200) throw new Error(`PUT /api/v1/sync/config: ${res.status} ${res.text}`);
}

/** POST /api/v1/sync/runs; the new run's id. */
export async function startRun(app: TestApp, token: string): Promise<string> {
  const res = await app.http.post('/api/v1/sync/runs', undefined, { token });
  if (res.status !== 202) throw new Error(`POST /api/v1/sync/runs: ${res.status} ${res.text}`);
  return res.body.id as string;
}

export async function getRun(app: TestApp, token: string, id: string): Promise<SyncRun> {
  const res = await app.http.get(`/api/v1/sync/runs/${id}`, { token });
  if (res.status !== 200) throw new Error(`GET /api/v1/sync/runs/${id}: ${res.status} ${res.text}`);
  return res.body as SyncRun;
}

/** Polls the run until `until` holds (default: the run is over), within a bounded time. */
export async function waitForRun(
  app: TestApp,
  token: string,
  id: string,
  until: (run: SyncRun) => boolean = (run) => run.status === 'succeeded' || run.status === 'failed',
  timeoutMs = 45_000,
): Promise<SyncRun> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await getRun(app, token, id);
    if (until(run)) return run;
    if (Date.now() > deadline) throw new Error(`sync run ${id} did not reach the expected state in time: ${JSON.stringify(run)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Starts a run and waits for its end. */
export async function runSync(app: TestApp, token: string): Promise<SyncRun> {
  return waitForRun(app, token, await startRun(app, token));
}

/**
 * A digest of everything a sync decides: every revision (document, hash, state) and every
 * update's current fields. Sequence numbers and timestamps are left out: two servers that
 * synced the same feed have equal checksums.
 */
export async function catalogChecksum(db: DataSource): Promise<{ checksum: string; updates: number; revisions: number; products: number }> {
  const [row] = await db.query(`
    SELECT
      (SELECT md5(coalesce(string_agg(concat_ws('|', update_id, revision, content_hash, state, requires_eula, document::text), E'\\n'
                   ORDER BY update_id, revision), '')) FROM update_revisions) AS revisions_md5,
      (SELECT md5(coalesce(string_agg(concat_ws('|', update_id, current_revision, title, description, kb::text, cves::text, classification,
                   products::text, severity, released_at::text, supersedes::text, prerequisites::text, reboot, user_input, requires_eula,
                   files::text, applicability::text, state), E'\\n' ORDER BY update_id), '')) FROM updates) AS updates_md5,
      (SELECT md5(coalesce(string_agg(path, E'\\n' ORDER BY path), '')) FROM products) AS products_md5,
      (SELECT count(*)::int FROM updates) AS updates,
      (SELECT count(*)::int FROM update_revisions) AS revisions,
      (SELECT count(*)::int FROM products) AS products`);
  return {
    checksum: `${row.revisions_md5}:${row.updates_md5}:${row.products_md5}`,
    updates: row.updates,
    revisions: row.revisions,
    products: row.products,
  };
}

/**
 * The physical identity of every catalog row: a row that is rewritten, even with equal values,
 * gets a new xmin; any nextval moves the sequence.
 */
export async function catalogRowVersions(db: DataSource): Promise<string> {
  const [row] = await db.query(`
    SELECT
      (SELECT string_agg(concat_ws(':', update_id, xmin::text, change_seq, changed_at::text), ',' ORDER BY update_id) FROM updates) AS updates,
      (SELECT string_agg(concat_ws(':', update_id, revision, xmin::text, change_seq, synced_at::text), ',' ORDER BY update_id, revision)
         FROM update_revisions) AS revisions,
      (SELECT string_agg(concat_ws(':', path, xmin::text), ',' ORDER BY path) FROM products) AS products,
      (SELECT last_value FROM catalog_change_seq) AS seq`);
  return JSON.stringify(row);
}

/** A BullMQ handle on one of the app's queues (same Redis, same prefix); close it after use. */
export function openQueue(app: TestApp, name: QueueName): Queue {
  return new Queue(name, { connection: { url: app.config.redisUrl, maxRetriesPerRequest: null }, prefix: `${app.config.redisPrefix}:bull` });
}

/**
 * Points the server's upstream at a Debian main archive and its security archive (bookworm and
 * bookworm-security, main, amd64; both signed by `keyring`), then syncs once.
 */
export async function syncDebianArchives(app: TestApp, token: string, urls: { main: string; security: string }, keyring: string): Promise<void> {
  const config = await app.http.put(
    '/api/v1/sync/config',
    {
      upstream: {
        kind: 'apt',
        sources: [
          { url: urls.main, suites: ['bookworm'], components: ['main'] },
          { url: urls.security, suites: ['bookworm-security'], components: ['main'] },
        ],
        architectures: ['amd64'],
        keyring,
      },
    },
    { token },
  );
  if (config.status !== 200) throw new Error(`apt upstream refused: ${config.status} ${JSON.stringify(config.body)}`);
  const run = await runSync(app, token);
  if (run.status !== 'succeeded') throw new Error(`apt sync did not succeed: ${JSON.stringify(run)}`);
}
