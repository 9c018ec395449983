import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { FeedItem } from '../../scripts/feed/feed-item';
import { feedItem } from './catalog.factory';

export interface UpdateSeed extends Partial<FeedItem> {
  /** globally declined, with this reason */
  declinedReason?: string;
}

/**
 * Puts one update (current revision and its revision row) straight into the catalog, as a sync
 * would leave it: `const id = await insertUpdate(app.db, { severity: 'critical' })`.
 */
export async function insertUpdate(db: DataSource, seed: UpdateSeed = {}): Promise<string> {
  const { declinedReason, ...overrides } = seed;
  const item = feedItem({ updateId: randomUUID(), ...overrides });
  await db.query(
    `INSERT INTO updates (update_id, current_revision, title, description, kb, cves, classification, products, severity, released_at,
                          supersedes, prerequisites, reboot, user_input, requires_eula, files, applicability, state,
                          declined_at, declined_by, decline_reason)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
             CASE WHEN $19::text IS NULL THEN NULL ELSE now() END, CASE WHEN $19::text IS NULL THEN NULL ELSE 'test' END, $19)`,
    [
      item.updateId, item.revision, item.title, item.description, item.kb, item.cves, item.classification, item.products, item.severity,
      item.releasedAt, item.supersedes, item.prerequisites, item.installBehavior.reboot, item.installBehavior.userInput, item.requiresEula,
      JSON.stringify(item.files), JSON.stringify(item.applicability), item.state, declinedReason ?? null,
    ],
  );
  await db.query(
    `INSERT INTO update_revisions (update_id, revision, document, content_hash, state, requires_eula) VALUES ($1, $2, $3, $4, $5, $6)`,
    [item.updateId, item.revision, JSON.stringify(item), 'f'.repeat(64), item.state, item.requiresEula],
  );
  return item.updateId;
}
