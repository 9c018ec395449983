import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { effectiveDecisionsSql } from '../approvals/approvals.repository';
import { OfferCandidate } from './offer-builder';

/** What an offer needs to know about a computer (and what the check-in compares its inventory with). */
export interface ComputerContext {
  computerId: string;
  groupId: string;
  /** root first, the computer's own group last */
  groupPath: string[];
  hostname: string;
  osFamily: string;
  osVersion: string;
  arch: string;
  agentVersion: string;
  /** [updateId, revision] of every update it reported installed (or installed pending a reboot) */
  installed: [string, number][];
}

/** The facts a computer reports about its machine. */
export type ComputerFactsRecord = Pick<ComputerContext, 'hostname' | 'osFamily' | 'osVersion' | 'arch' | 'agentVersion'>;

/** An update as the offer needs it: its current revision, active and not globally declined. */
export type OfferableUpdate = Omit<OfferCandidate, 'action' | 'deadline' | 'optional'>;

/** An update a group path approves for install (actively) or uninstall, as the offer needs it. */
export type ApprovedUpdate = OfferCandidate;

@Injectable()
export class OffersRepository {
  constructor(private readonly dataSource: DataSource) {}

  async findComputerContext(computerId: string): Promise<ComputerContext | null> {
    const rows: ComputerContext[] = await this.dataSource.query(
      `SELECT c.id AS "computerId", c.group_id AS "groupId", g.path::text[] AS "groupPath", c.hostname,
              c.os_family AS "osFamily", c.os_version AS "osVersion", c.arch, c.agent_version AS "agentVersion",
              (SELECT coalesce(json_agg(json_build_array(s.update_id, s.revision)), '[]') FROM install_states s
                WHERE s.computer_id = c.id AND s.state IN ('installed', 'installed_pending_reboot')) AS installed
         FROM computers c JOIN computer_groups g ON g.id = c.group_id
        WHERE c.id = $1 AND c.revoked_at IS NULL`,
      [computerId],
    );
    return rows[0] ?? null;
  }

  /**
   * The approval side of every offer for computers of a group path, in one round trip: the effective
   * decisions that are an active install or an uninstall, joined to the current revisions that may
   * be offered at all (active, not globally declined). The same for every computer of the group.
   * With `storedFilesOnly` (the storing content modes), an install is offered only once every file
   * of its current revision is stored and verified.
   */
  findApprovedUpdates(groupPath: string[], storedFilesOnly = false): Promise<ApprovedUpdate[]> {
    return this.dataSource.query(
      `WITH effective AS (${effectiveDecisionsSql('$1')})
       SELECT u.update_id AS "updateId", u.current_revision AS revision, u.title, u.kb, u.classification, u.severity, u.reboot,
              u.files, u.applicability, u.supersedes::text[] AS supersedes, u.prerequisites::text[] AS prerequisites,
              e.decision AS action, e.deadline, e.optional
         FROM effective e
         JOIN updates u ON u.update_id = e.update_id AND u.state = 'active' AND u.declined_at IS NULL AND NOT u.baseline
        WHERE (e.decision = 'install' AND e.status = 'active'
               AND (NOT $2 OR NOT EXISTS (
                 SELECT 1 FROM jsonb_array_elements(u.files) f
                  WHERE NOT EXISTS (SELECT 1 FROM content_files c WHERE c.sha256 = f->>'sha256' AND c.status = 'stored'))))
           OR e.decision = 'uninstall'`,
      [groupPath, storedFilesOnly],
    );
  }

  /** Current revisions of these updates that may be offered at all: active and not globally declined. */
  findOfferableUpdates(updateIds: string[]): Promise<OfferableUpdate[]> {
    if (!updateIds.length) return Promise.resolve([]);
    return this.dataSource.query(
      `SELECT update_id AS "updateId", current_revision AS revision, title, kb, classification, severity, reboot, files,
              applicability, supersedes::text[] AS supersedes, prerequisites::text[] AS prerequisites
         FROM updates
        WHERE update_id = ANY($1::uuid[]) AND state = 'active' AND declined_at IS NULL AND NOT baseline`,
      [updateIds],
    );
  }

  /** Records what a computer says about its machine; answers whether anything changed. */
  async updateFacts(computerId: string, facts: ComputerFactsRecord): Promise<boolean> {
    const result: [unknown[], number] = await this.dataSource.query(
      `UPDATE computers SET hostname = $2, os_family = $3, os_version = $4, arch = $5, agent_version = $6
        WHERE id = $1 AND (hostname, os_family, os_version, arch, agent_version) IS DISTINCT FROM ($2, $3, $4, $5, $6)`,
      [computerId, facts.hostname, facts.osFamily, facts.osVersion, facts.arch, facts.agentVersion],
    );
    return result[1] > 0;
  }
}
