import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ReportState } from '../status/install-state';

export interface ScopeGroup {
  id: string;
  path: string[];
}

export interface StateCount {
  updateId: string;
  state: ReportState;
  count: number;
}

export interface ComputerUpdateState {
  updateId: string;
  revision: number;
  state: string;
  errorCode: string | null;
  message: string | null;
  occurredAt: Date;
}

/** A computer's facts against an update's applicability, in SQL (mirrors offers/offer-builder.ts). */
const APPLICABLE = `(u.applicability->'osFamily') ? lower(c.os_family)
  AND (u.applicability->'arch') ? lower(c.arch)
  AND (u.applicability->>'minOsVersion' IS NULL OR os_version_key(c.os_version) >= os_version_key(u.applicability->>'minOsVersion'))`;

@Injectable()
export class ReportsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The group and every group below it (all groups when `groupId` is the root). */
  findSubtree(groupId: string): Promise<ScopeGroup[]> {
    return this.dataSource.query(`SELECT id, path::text[] AS path FROM computer_groups WHERE path @> ARRAY[$1]::uuid[]`, [groupId]);
  }

  /**
   * Per update and state, the number of (non-revoked) computers in the groups given: the reported
   * state when there is one; else `needed` when the computer's group approves the update for
   * install and it applies to the computer; else `unknown`.
   */
  async countStates(groupIds: string[], updateIds: string[], approvedPairs: { groupId: string; updateId: string }[]): Promise<StateCount[]> {
    if (!groupIds.length || !updateIds.length) return [];
    const rows: { update_id: string; state: ReportState; count: number }[] = await this.dataSource.query(
      `WITH approved AS (SELECT * FROM unnest($3::uuid[], $4::uuid[]) AS a(group_id, update_id))
       SELECT u.update_id,
              coalesce(s.state, CASE WHEN ap.group_id IS NOT NULL AND ${APPLICABLE} THEN 'needed' ELSE 'unknown' END) AS state,
              count(*)::int AS count
         FROM computers c
         CROSS JOIN updates u
         LEFT JOIN approved ap ON ap.group_id = c.group_id AND ap.update_id = u.update_id
         LEFT JOIN install_states s ON s.computer_id = c.id AND s.update_id = u.update_id
        WHERE c.revoked_at IS NULL AND c.group_id = ANY($1::uuid[]) AND u.update_id = ANY($2::uuid[])
        GROUP BY 1, 2`,
      [groupIds, updateIds, approvedPairs.map((p) => p.groupId), approvedPairs.map((p) => p.updateId)],
    );
    return rows.map((r) => ({ updateId: r.update_id, state: r.state, count: r.count }));
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

  async countComputers(groupIds: string[]): Promise<number> {
    const [{ count }] = await this.dataSource.query(
      'SELECT count(*)::int AS count FROM computers WHERE revoked_at IS NULL AND group_id = ANY($1::uuid[])',
      [groupIds],
    );
    return count;
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
