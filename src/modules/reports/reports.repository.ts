import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

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

/**
 * Report counts from the compliance counters (migration CreateComplianceCounters) plus their pending
 * deltas (migration ComplianceCounterDeltas), never from per-computer rows. Per group g of the
 * scope and update u, with N(g) counted computers and A(g,u) of them on a platform u applies to:
 * - reported states are the counters plus their pending deltas;
 * - of the A(g,u) minus the applicable ones that reported: `needed` when g's effective decision for u
 *   is an active install, else `unknown`;
 * - of the N(g) − A(g,u) minus the non-applicable ones that reported: `not_applicable`.
 * `$1` is the scope's root group, `$2` the update ids.
 */
const COUNTS_SQL = `
  WITH scope AS MATERIALIZED (SELECT id, path FROM computer_groups WHERE path @> ARRAY[$1::uuid]),
  ids AS (SELECT DISTINCT unnest($2::uuid[]) AS update_id),
  plat AS MATERIALIZED (SELECT p.group_id, p.os_family, p.os_version, p.arch, p.computers
                          FROM group_platform_counts p JOIN scope s ON s.id = p.group_id WHERE p.computers <> 0),
  platforms AS MATERIALIZED (SELECT DISTINCT os_family, os_version, arch FROM plat),
  -- update_applies once per (update, distinct platform): it parses OS versions.
  applies AS MATERIALIZED (SELECT i.update_id, pf.os_family, pf.os_version, pf.arch
                FROM ids i JOIN updates u ON u.update_id = i.update_id CROSS JOIN platforms pf
               WHERE update_applies(u.applicability, pf.os_family, pf.os_version, pf.arch)),
  group_total AS (SELECT group_id, sum(computers)::int AS n FROM plat GROUP BY 1),
  group_applicable AS (SELECT p.group_id, a.update_id, sum(p.computers)::int AS n
                         FROM plat p JOIN applies a USING (os_family, os_version, arch) GROUP BY 1, 2),
  -- The counters and approvals of the updates asked for, read by update and joined to the scope
  -- in memory: one index range per update rather than one probe per (group, update). The deltas
  -- not folded yet (migration ComplianceCounterDeltas) are added: in one snapshot, counters plus
  -- deltas are exactly what committed, whether a fold ran or not.
  counted AS MATERIALIZED (SELECT group_id, update_id, state, applicable, sum(n)::int AS n
                             FROM (SELECT group_id, update_id, state, applicable, computers AS n
                                     FROM group_update_state_counts WHERE update_id = ANY($2::uuid[]) AND computers <> 0
                                   UNION ALL
                                   SELECT group_id, update_id, state, applicable, computers
                                     FROM group_update_state_deltas WHERE update_id = ANY($2::uuid[])) c
                            GROUP BY 1, 2, 3, 4 HAVING sum(n) <> 0),
  reported AS (SELECT c.* FROM counted c JOIN scope s ON s.id = c.group_id),
  reported_total AS (SELECT group_id, update_id,
                            coalesce(sum(n) FILTER (WHERE applicable), 0)::int AS app,
                            coalesce(sum(n) FILTER (WHERE NOT applicable), 0)::int AS non
                       FROM reported GROUP BY 1, 2),
  decisions AS MATERIALIZED (SELECT update_id, group_id, decision, status FROM approvals WHERE update_id = ANY($2::uuid[])),
  -- The effective decision as effectiveDecisionsSql (approvals.repository.ts) defines it: the deepest
  -- decision on the group's path wins; here for every group of the scope at once.
  effective AS (SELECT DISTINCT ON (s.id, d.update_id) s.id AS group_id, d.update_id, d.decision, d.status
                  FROM scope s CROSS JOIN LATERAL unnest(s.path) WITH ORDINALITY AS p(group_id, depth)
                  JOIN decisions d ON d.group_id = p.group_id
                 ORDER BY s.id, d.update_id, p.depth DESC),
  approved AS (SELECT group_id, update_id FROM effective WHERE decision = 'install' AND status = 'active'),
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
}
