import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface RecountResult {
  /** counter rows whose value differed from the recount before it replaced them (0 when exact) */
  differences: number;
  platformRows: number;
  stateRows: number;
  durationMs: number;
}

/** The counters as a recount from install_states and computers makes them (same rules as the triggers). */
const PLATFORMS_FROM_SCRATCH = `
  SELECT group_id, os_family, os_version, arch, count(*)::int AS computers FROM computers
   WHERE revoked_at IS NULL AND group_id IS NOT NULL GROUP BY 1, 2, 3, 4`;
// Counted per platform first, so update_applies runs once per (update, platform), not per state row.
const STATES_FROM_SCRATCH = `
  WITH x AS MATERIALIZED (
         SELECT c.group_id, s.update_id, s.state, c.os_family, c.os_version, c.arch, count(*) AS n
           FROM install_states s
           JOIN computers c ON c.id = s.computer_id AND c.revoked_at IS NULL AND c.group_id IS NOT NULL
          GROUP BY 1, 2, 3, 4, 5, 6),
       a AS MATERIALIZED (
         SELECT p.update_id, p.os_family, p.os_version, p.arch, update_applies(u.applicability, p.os_family, p.os_version, p.arch) AS applicable
           FROM (SELECT DISTINCT update_id, os_family, os_version, arch FROM x) p LEFT JOIN updates u ON u.update_id = p.update_id)
  SELECT x.group_id, x.update_id, x.state, a.applicable, sum(x.n)::int AS computers
    FROM x JOIN a USING (update_id, os_family, os_version, arch)
   GROUP BY 1, 2, 3, 4`;

/**
 * Moves the pending deltas of group_update_state_deltas (migration ComplianceCounterDeltas) into
 * group_update_state_counts, in one statement: whoever reads both at any moment sees the same sums.
 * Deltas of an update whose row a catalog change holds are left for the next fold (SKIP LOCKED):
 * that change recounts the update's counters against the pending deltas it sees
 * (recount_update_state_counts), and must not wait on a fold that waits on it.
 */
export const FOLD_SQL = `
  WITH ready AS MATERIALIZED (
         SELECT update_id FROM updates WHERE update_id IN (SELECT DISTINCT update_id FROM group_update_state_deltas)
          ORDER BY update_id FOR SHARE SKIP LOCKED),
       moved AS (
         DELETE FROM group_update_state_deltas d
          WHERE d.update_id IN (SELECT update_id FROM ready) OR NOT EXISTS (SELECT 1 FROM updates u WHERE u.update_id = d.update_id)
         RETURNING d.group_id, d.update_id, d.state, d.applicable, d.computers),
       summed AS (
         SELECT group_id, update_id, state, applicable, sum(computers)::int AS computers, count(*)::int AS n
           FROM moved GROUP BY 1, 2, 3, 4),
       added AS (
         INSERT INTO group_update_state_counts AS t (group_id, update_id, state, applicable, computers)
         SELECT group_id, update_id, state, applicable, computers FROM summed WHERE computers <> 0 ORDER BY 1, 2, 3, 4
         ON CONFLICT (group_id, update_id, state, applicable) DO UPDATE SET computers = t.computers + excluded.computers
         RETURNING 1)
  SELECT coalesce((SELECT sum(n) FROM summed), 0)::int AS deltas, (SELECT count(*) FROM added)::int AS counters`;

export interface FoldResult {
  /** delta rows moved into the counters */
  deltas: number;
  /** counter rows they changed */
  counters: number;
}

/**
 * The compliance counters' upkeep (migrations CreateComplianceCounters and ComplianceCounterDeltas,
 * docs/reports.md): the fold of pending deltas (the worker, every second) and the recount (the admin
 * endpoint and the maintenance run). The counters plus the pending deltas must always equal the recount.
 */
@Injectable()
export class ComplianceCounters {
  constructor(private readonly dataSource: DataSource) {}

  /** Moves every pending delta it can into the counters (see FOLD_SQL); the reports' sums do not change. */
  async fold(): Promise<FoldResult> {
    return this.dataSource.transaction(async (manager) => {
      // Counters before deltas, as the recount locks them: an EXCLUSIVE recount cannot deadlock with it.
      await manager.query('LOCK TABLE group_update_state_counts IN ROW EXCLUSIVE MODE');
      const [result]: FoldResult[] = await manager.query(FOLD_SQL);
      return result;
    });
  }

  /**
   * Recounts both counters from install_states and computers and replaces them (the pending deltas
   * go with them), answering how many counter rows differed from counters + deltas. The counters and
   * deltas are locked against writers first (EXCLUSIVE: reads go on), so the recount sees every
   * committed change, and a writer that comes later adds its change on top.
   */
  async recount(): Promise<RecountResult> {
    const started = Date.now();
    return this.dataSource.transaction(async (manager) => {
      await manager.query('LOCK TABLE group_platform_counts, group_update_state_counts, group_update_state_deltas IN EXCLUSIVE MODE');
      await manager.query(`CREATE TEMP TABLE recount_platforms ON COMMIT DROP AS ${PLATFORMS_FROM_SCRATCH}`);
      await manager.query(`CREATE TEMP TABLE recount_states ON COMMIT DROP AS ${STATES_FROM_SCRATCH}`);
      const [{ n: platformDiff }]: { n: number }[] = await manager.query(`
        SELECT count(*)::int AS n FROM recount_platforms r
          FULL JOIN (SELECT * FROM group_platform_counts WHERE computers <> 0) c USING (group_id, os_family, os_version, arch)
         WHERE r.computers IS DISTINCT FROM c.computers`);
      const [{ n: stateDiff }]: { n: number }[] = await manager.query(`
        SELECT count(*)::int AS n FROM recount_states r
          FULL JOIN (SELECT group_id, update_id, state, applicable, sum(computers)::int AS computers
                       FROM (SELECT * FROM group_update_state_counts UNION ALL SELECT * FROM group_update_state_deltas) a
                      GROUP BY 1, 2, 3, 4 HAVING sum(computers) <> 0) c USING (group_id, update_id, state, applicable)
         WHERE r.computers IS DISTINCT FROM c.computers`);
      await manager.query('DELETE FROM group_platform_counts');
      await manager.query('INSERT INTO group_platform_counts SELECT * FROM recount_platforms ORDER BY 1, 2, 3, 4');
      await manager.query('DELETE FROM group_update_state_counts');
      await manager.query('DELETE FROM group_update_state_deltas');
      await manager.query('INSERT INTO group_update_state_counts SELECT * FROM recount_states ORDER BY 1, 2, 3, 4');
      const [{ platformRows, stateRows }]: { platformRows: number; stateRows: number }[] = await manager.query(
        'SELECT (SELECT count(*) FROM recount_platforms)::int AS "platformRows", (SELECT count(*) FROM recount_states)::int AS "stateRows"',
      );
      return { differences: platformDiff + stateDiff, platformRows, stateRows, durationMs: Date.now() - started };
    });
  }
}
