import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { effectiveDecisionsSql } from '../approvals/approvals.repository';

/** Per update: computers in each report state, and how many of them the update applies to. */
export interface UpdateCounts {
  updateId: string;
  /** report state (reported, or needed / unknown / not_applicable for computers that did not report) → computers */
  states: Record<string, number>;
  applicable: number;
}

export interface ComputerUpdateState {
  updateId: string;
  revision: number;
  state: string;
  errorCode: string | null;
  message: string | null;
  occurredAt: Date;
}

export interface RecountResult {
  /** counter rows whose value differed from the recount before it replaced them (0 when exact) */
  differences: number;
  platformRows: number;
  stateRows: number;
  durationMs: number;
}

/**
 * Report counts from the compliance counters (migration CreateComplianceCounters), never from
 * per-computer rows. Per group g of the scope and update u, with N(g) counted computers and A(g,u) of
 * them on a platform u applies to:
 * - reported states are the counters as they are;
 * - of the A(g,u) minus the applicable ones that reported: `needed` when g's effective decision for u
 *   is an active install, else `unknown`;
 * - of the N(g) − A(g,u) minus the non-applicable ones that reported: `not_applicable`.
 * `$1` is the scope's root group, `$2` the update ids.
 */
const COUNTS_SQL = `
  WITH scope AS (SELECT id, path FROM computer_groups WHERE path @> ARRAY[$1::uuid]),
  ids AS (SELECT DISTINCT unnest($2::uuid[]) AS update_id),
  plat AS (SELECT p.group_id, p.os_family, p.os_version, p.arch, p.computers
             FROM group_platform_counts p JOIN scope s ON s.id = p.group_id WHERE p.computers <> 0),
  platforms AS (SELECT DISTINCT os_family, os_version, arch FROM plat),
  applies AS (SELECT i.update_id, pf.os_family, pf.os_version, pf.arch
                FROM ids i JOIN updates u ON u.update_id = i.update_id CROSS JOIN platforms pf
               WHERE update_applies(u.applicability, pf.os_family, pf.os_version, pf.arch)),
  group_total AS (SELECT group_id, sum(computers)::int AS n FROM plat GROUP BY 1),
  group_applicable AS (SELECT p.group_id, a.update_id, sum(p.computers)::int AS n
                         FROM plat p JOIN applies a USING (os_family, os_version, arch) GROUP BY 1, 2),
  reported AS (SELECT c.group_id, c.update_id, c.state, c.applicable, c.computers AS n
                 FROM group_update_state_counts c JOIN scope s ON s.id = c.group_id
                WHERE c.update_id = ANY($2::uuid[]) AND c.computers <> 0),
  reported_total AS (SELECT group_id, update_id,
                            coalesce(sum(n) FILTER (WHERE applicable), 0)::int AS app,
                            coalesce(sum(n) FILTER (WHERE NOT applicable), 0)::int AS non
                       FROM reported GROUP BY 1, 2),
  approved AS (SELECT s.id AS group_id, e.update_id
                 FROM scope s CROSS JOIN LATERAL (${effectiveDecisionsSql('s.path', ['a.update_id = ANY($2::uuid[])'])}) e
                WHERE e.decision = 'install' AND e.status = 'active'),
  derived AS (SELECT gt.group_id, i.update_id, gt.n AS total, coalesce(ga.n, 0) AS applicable,
                     coalesce(ga.n, 0) - coalesce(rt.app, 0) AS unreported_applicable,
                     gt.n - coalesce(ga.n, 0) - coalesce(rt.non, 0) AS unreported_other
                FROM group_total gt CROSS JOIN ids i
                LEFT JOIN group_applicable ga ON ga.group_id = gt.group_id AND ga.update_id = i.update_id
                LEFT JOIN reported_total rt ON rt.group_id = gt.group_id AND rt.update_id = i.update_id)
  SELECT update_id, state, sum(n)::bigint AS n FROM (
    SELECT update_id, state, n FROM reported
    UNION ALL
    SELECT d.update_id, CASE WHEN ap.group_id IS NOT NULL THEN 'needed' ELSE 'unknown' END, d.unreported_applicable
      FROM derived d LEFT JOIN approved ap ON ap.group_id = d.group_id AND ap.update_id = d.update_id
    UNION ALL
    SELECT update_id, 'not_applicable', unreported_other FROM derived
    UNION ALL
    SELECT update_id, '$applicable', applicable FROM derived
  ) x GROUP BY 1, 2`;

/** The counters as a recount from install_states and computers makes them (same rules as the triggers). */
const PLATFORMS_FROM_SCRATCH = `
  SELECT group_id, os_family, os_version, arch, count(*)::int AS computers FROM computers
   WHERE revoked_at IS NULL AND group_id IS NOT NULL GROUP BY 1, 2, 3, 4`;
const STATES_FROM_SCRATCH = `
  SELECT c.group_id, s.update_id, s.state, update_applies(u.applicability, c.os_family, c.os_version, c.arch) AS applicable, count(*)::int AS computers
    FROM install_states s
    JOIN computers c ON c.id = s.computer_id AND c.revoked_at IS NULL AND c.group_id IS NOT NULL
    LEFT JOIN updates u ON u.update_id = s.update_id
   GROUP BY 1, 2, 3, 4`;

@Injectable()
export class ReportsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async findGroupPath(groupId: string): Promise<string[] | null> {
    const rows: { path: string[] }[] = await this.dataSource.query('SELECT path::text[] AS path FROM computer_groups WHERE id = $1', [groupId]);
    return rows[0]?.path ?? null;
  }

  /** Per update, the report states of the computers in the group and its subgroups (see COUNTS_SQL). */
  async countStates(groupId: string, updateIds: string[]): Promise<Map<string, UpdateCounts>> {
    const result = new Map<string, UpdateCounts>();
    if (!updateIds.length) return result;
    const rows: { update_id: string; state: string; n: string }[] = await this.dataSource.query(COUNTS_SQL, [groupId, updateIds]);
    for (const row of rows) {
      const counts = result.get(row.update_id) ?? { updateId: row.update_id, states: {}, applicable: 0 };
      if (row.state === '$applicable') counts.applicable = Number(row.n);
      else counts.states[row.state] = Number(row.n);
      result.set(row.update_id, counts);
    }
    return result;
  }

  /** Counted computers in the group and its subgroups. */
  async countComputers(groupId: string): Promise<number> {
    const [{ n }]: { n: string }[] = await this.dataSource.query(
      `SELECT coalesce(sum(p.computers), 0)::bigint AS n FROM group_platform_counts p
        WHERE p.group_id IN (SELECT id FROM computer_groups WHERE path @> ARRAY[$1::uuid])`,
      [groupId],
    );
    return Number(n);
  }

  findComputerStates(computerId: string): Promise<ComputerUpdateState[]> {
    return this.dataSource.query(
      `SELECT update_id AS "updateId", revision, state, error_code AS "errorCode", message, occurred_at AS "occurredAt"
         FROM install_states WHERE computer_id = $1`,
      [computerId],
    );
  }

  async findComputer(computerId: string): Promise<{ id: string; hostname: string; groupPath: string[]; osFamily: string; osVersion: string; arch: string } | null> {
    const rows = await this.dataSource.query(
      `SELECT c.id, c.hostname, g.path::text[] AS "groupPath", c.os_family AS "osFamily", c.os_version AS "osVersion", c.arch
         FROM computers c JOIN computer_groups g ON g.id = c.group_id WHERE c.id = $1`,
      [computerId],
    );
    return rows[0] ?? null;
  }

  async updateExists(updateId: string): Promise<boolean> {
    const rows = await this.dataSource.query('SELECT 1 FROM updates WHERE update_id = $1', [updateId]);
    return rows.length > 0;
  }

  findTitles(updateIds: string[]): Promise<{ updateId: string; title: string; kb: string[]; classification: string; severity: string | null }[]> {
    if (!updateIds.length) return Promise.resolve([]);
    return this.dataSource.query(
      `SELECT update_id AS "updateId", title, kb, classification, severity FROM updates WHERE update_id = ANY($1::uuid[]) ORDER BY released_at DESC`,
      [updateIds],
    );
  }

  /**
   * Recounts both counters from install_states and computers and replaces them, answering how many
   * counter rows differed. The counters are locked against writers first (EXCLUSIVE: reads go on), so
   * the recount sees every committed change, and a writer that comes later adds its change on top.
   */
  async recount(): Promise<RecountResult> {
    const started = Date.now();
    return this.dataSource.transaction(async (manager) => {
      await manager.query('LOCK TABLE group_platform_counts, group_update_state_counts IN EXCLUSIVE MODE');
      await manager.query(`CREATE TEMP TABLE recount_platforms ON COMMIT DROP AS ${PLATFORMS_FROM_SCRATCH}`);
      await manager.query(`CREATE TEMP TABLE recount_states ON COMMIT DROP AS ${STATES_FROM_SCRATCH}`);
      const [{ n: platformDiff }]: { n: number }[] = await manager.query(`
        SELECT count(*)::int AS n FROM recount_platforms r
          FULL JOIN (SELECT * FROM group_platform_counts WHERE computers <> 0) c USING (group_id, os_family, os_version, arch)
         WHERE r.computers IS DISTINCT FROM c.computers`);
      const [{ n: stateDiff }]: { n: number }[] = await manager.query(`
        SELECT count(*)::int AS n FROM recount_states r
          FULL JOIN (SELECT * FROM group_update_state_counts WHERE computers <> 0) c USING (group_id, update_id, state, applicable)
         WHERE r.computers IS DISTINCT FROM c.computers`);
      await manager.query('DELETE FROM group_platform_counts');
      await manager.query('INSERT INTO group_platform_counts SELECT * FROM recount_platforms ORDER BY 1, 2, 3, 4');
      await manager.query('DELETE FROM group_update_state_counts');
      await manager.query('INSERT INTO group_update_state_counts SELECT * FROM recount_states ORDER BY 1, 2, 3, 4');
      const [{ platformRows, stateRows }]: { platformRows: number; stateRows: number }[] = await manager.query(
        'SELECT (SELECT count(*) FROM recount_platforms)::int AS "platformRows", (SELECT count(*) FROM recount_states)::int AS "stateRows"',
      );
      return { differences: platformDiff + stateDiff, platformRows, stateRows, durationMs: Date.now() - started };
    });
  }
}
