import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { ComputerEntity } from './entities/computer.entity';

export interface ComputerFilter {
  groupId?: string;
  /** with groupId: also computers of every group below it */
  includeSubgroups?: boolean;
  /** text in the hostname */
  q?: string;
  /** no contact (check-in, or registration if none) for `staleAfterDays` days */
  stale?: boolean;
  staleAfterDays: number;
  includeRevoked?: boolean;
  /** OS family, lowercase */
  osFamily?: string;
  /** computers that reported on this update (in `state` when given) */
  updateId?: string;
  state?: string;
}

/** Below this many computers in a state, the list filter by an update's state starts from install_states. */
const FEW_IN_STATE = 5000;

/** Sort key of the computer list. */
export type ComputerListKey = [hostname: string, id: string];

export interface ComputerWithGroup {
  computer: ComputerEntity;
  groupName: string | null;
}

export interface NewComputer {
  hostname: string;
  osFamily: string;
  osVersion: string;
  arch: string;
  agentVersion: string;
  groupId: string;
  requestedGroup: string | null;
  tokenHash: string;
  enrollmentKeyId: string;
}

@Injectable()
export class ComputersRepository {
  constructor(@InjectRepository(ComputerEntity) private readonly computers: Repository<ComputerEntity>) {}

  /** The computer a bearer token belongs to, unless it was revoked (hot path: unique index on token_hash). */
  findActiveByTokenHash(tokenHash: string): Promise<ComputerEntity | null> {
    return this.computers
      .createQueryBuilder('c')
      .select(['c.id', 'c.groupId'])
      .where('c.token_hash = :tokenHash AND c.revoked_at IS NULL', { tokenHash })
      .getOne();
  }

  async findWithGroup(id: string): Promise<ComputerWithGroup | null> {
    const row = await this.computers
      .createQueryBuilder('c')
      .leftJoin('computer_groups', 'g', 'g.id = c.group_id')
      .addSelect('g.name', 'group_name')
      .where('c.id = :id', { id })
      .getRawAndEntities();
    return row.entities.length ? { computer: row.entities[0], groupName: (row.raw[0] as { group_name: string | null }).group_name } : null;
  }

  async findPage(filter: ComputerFilter, limit: number, after?: ComputerListKey): Promise<ComputerWithGroup[]> {
    const query = this.computers
      .createQueryBuilder('c')
      .leftJoin('computer_groups', 'g', 'g.id = c.group_id')
      .addSelect('g.name', 'group_name')
      .orderBy('c.hostname', 'ASC')
      .addOrderBy('c.id', 'ASC')
      .limit(limit);
    if (!filter.includeRevoked) query.andWhere('c.revoked_at IS NULL');
    if (filter.groupId) {
      if (filter.includeSubgroups) {
        query.andWhere('c.group_id IN (SELECT x.id FROM computer_groups x WHERE x.path @> ARRAY[:groupId::uuid])', { groupId: filter.groupId });
      } else {
        query.andWhere('c.group_id = :groupId', { groupId: filter.groupId });
      }
    }
    if (filter.osFamily) query.andWhere('lower(c.os_family) = :osFamily', { osFamily: filter.osFamily });
    if (filter.updateId) {
      // Few computers in that state: list them from install_states (an index range) and sort those;
      // many: walk the hostname order and probe each, which finds a page within a few thousand rows.
      // The planner cannot tell the two apart (no statistics per update and state), and walking the
      // hostname order for a state nobody is in would read the whole fleet.
      const few = await this.computersInState(filter.updateId, filter.state, FEW_IN_STATE);
      if (few) {
        query.andWhere('c.id = ANY(:few::uuid[])', { few });
      } else {
        const state = filter.state ? ' AND s.state = :state' : '';
        query.andWhere(`EXISTS (SELECT 1 FROM install_states s WHERE s.computer_id = c.id AND s.update_id = :updateId${state})`, {
          updateId: filter.updateId,
          state: filter.state,
        });
      }
    }
    if (filter.q) query.andWhere('c.hostname ILIKE :q', { q: `%${filter.q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%` });
    if (filter.stale !== undefined) {
      const op = filter.stale ? '<' : '>=';
      query.andWhere(`coalesce(c.last_seen_at, c.registered_at) ${op} now() - make_interval(days => :days)`, { days: filter.staleAfterDays });
    }
    if (after) query.andWhere('(c.hostname, c.id) > (:afterHost, :afterId::uuid)', { afterHost: after[0], afterId: after[1] });
    const { entities, raw } = await query.getRawAndEntities();
    return entities.map((computer, i) => ({ computer, groupName: (raw[i] as { group_name: string | null }).group_name }));
  }

  /** The computers that reported `state` (or any state) for the update, when there are fewer than `limit`; else null. */
  private async computersInState(updateId: string, state: string | undefined, limit: number): Promise<string[] | null> {
    const rows: { computer_id: string }[] = await this.computers.query(
      `SELECT computer_id FROM install_states WHERE update_id = $1 ${state ? 'AND state = $3' : ''} LIMIT $2`,
      state ? [updateId, limit, state] : [updateId, limit],
    );
    return rows.length < limit ? rows.map((r) => r.computer_id) : null;
  }

  async insert(manager: EntityManager, computer: NewComputer): Promise<ComputerEntity> {
    const repo = manager.getRepository(ComputerEntity);
    const [row]: { id: string }[] = await manager.query(
      `INSERT INTO computers (hostname, os_family, os_version, arch, agent_version, group_id, requested_group, token_hash, enrollment_key_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
      [
        computer.hostname, computer.osFamily, computer.osVersion, computer.arch, computer.agentVersion,
        computer.groupId, computer.requestedGroup, computer.tokenHash, computer.enrollmentKeyId,
      ],
    );
    return repo.findOneByOrFail({ id: row.id });
  }

  /** Locks a computer that is not revoked, for a change in the caller's transaction. */
  findActiveForUpdate(manager: EntityManager, id: string): Promise<ComputerEntity | null> {
    return manager
      .getRepository(ComputerEntity)
      .createQueryBuilder('c')
      .setLock('pessimistic_write')
      .where('c.id = :id AND c.revoked_at IS NULL', { id })
      .getOne();
  }

  async assignGroup(manager: EntityManager, id: string, groupId: string): Promise<void> {
    await manager.query('UPDATE computers SET group_id = $2 WHERE id = $1', [id, groupId]);
  }

  /** Revokes the token: the computer's next call is a 401. Idempotent. */
  /** Revokes the token; answers its hash when this call revoked it, null when it was revoked or absent. */
  async revoke(id: string): Promise<string | null> {
    const [rows]: [{ token_hash: string }[], number] = await this.computers.query(
      'UPDATE computers SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING token_hash',
      [id],
    );
    return rows[0]?.token_hash ?? null;
  }

  async findTokenHash(id: string): Promise<string | null> {
    const rows: { token_hash: string }[] = await this.computers.query('SELECT token_hash FROM computers WHERE id = $1', [id]);
    return rows[0]?.token_hash ?? null;
  }

  async exists(id: string): Promise<boolean> {
    return this.computers.existsBy({ id });
  }

  /**
   * Deletes up to `limit` computers (revoked or not) with no contact since `before`; their install
   * states and status history go with them in the same statement (trigger computers_delete_rows,
   * migration StatusWritesWithoutRowChecks). Rows another transaction holds (a status batch holds
   * its computers FOR KEY SHARE) are left for the next run.
   */
  async deleteInactive(manager: EntityManager, before: Date, limit: number): Promise<{ id: string; tokenHash: string }[]> {
    const [rows]: [{ id: string; token_hash: string }[], number] = await manager.query(
      `DELETE FROM computers WHERE id IN (
         SELECT id FROM computers WHERE coalesce(last_seen_at, registered_at) < $1 ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING id, token_hash`,
      [before, limit],
    );
    return rows.map((r) => ({ id: r.id, tokenHash: r.token_hash }));
  }
}
