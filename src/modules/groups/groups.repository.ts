import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { DecisionOrNone } from '../approval-log/approval-decision';
import { ALL_COMPUTERS_GROUP_ID } from './built-in-groups';
import { ComputerGroupEntity } from './entities/computer-group.entity';

export interface GroupWithCounts {
  group: ComputerGroupEntity;
  memberCount: number;
  totalMemberCount: number;
  childCount: number;
}

/** Sort key of the group list: shallow groups first, then by name. */
export type GroupListKey = [depth: number, lowerName: string, id: string];

/** An approval removed together with its group, for the approval log. */
export interface RemovedApproval {
  updateId: string;
  decision: DecisionOrNone;
  revision: number | null;
}

interface GroupRow {
  id: string;
  name: string;
  parent_id: string | null;
  path: string[];
  depth: number;
  built_in: boolean;
  approval_version: string;
  created_at: Date;
  updated_at: Date;
  member_count: number;
  total_member_count: number;
  child_count: number;
}

const toEntity = (r: GroupRow): ComputerGroupEntity =>
  Object.assign(new ComputerGroupEntity(), {
    id: r.id,
    name: r.name,
    parentId: r.parent_id,
    path: r.path,
    depth: r.depth,
    builtIn: r.built_in,
    approvalVersion: r.approval_version,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  });

@Injectable()
export class GroupsRepository {
  constructor(@InjectRepository(ComputerGroupEntity) private readonly groups: Repository<ComputerGroupEntity>) {}

  private repo(manager?: EntityManager): Repository<ComputerGroupEntity> {
    return manager?.getRepository(ComputerGroupEntity) ?? this.groups;
  }

  findById(id: string, manager?: EntityManager): Promise<ComputerGroupEntity | null> {
    return this.repo(manager).findOneBy({ id });
  }

  async findByIds(ids: string[], manager?: EntityManager): Promise<ComputerGroupEntity[]> {
    if (!ids.length) return [];
    return this.repo(manager).createQueryBuilder('g').where('g.id = ANY(:ids::uuid[])', { ids }).getMany();
  }

  /** Locks the group row so no computer or enrollment key joins it while the caller's transaction runs. */
  findByIdForMembership(manager: EntityManager, id: string): Promise<ComputerGroupEntity | null> {
    return manager.getRepository(ComputerGroupEntity).createQueryBuilder('g').setLock('for_key_share').where('g.id = :id', { id }).getOne();
  }

  async findPageWithCounts(limit: number, after?: GroupListKey): Promise<GroupWithCounts[]> {
    const params: unknown[] = [limit];
    let where = '';
    if (after) {
      params.push(after[0], after[1], after[2]);
      where = 'WHERE (g.depth, lower(g.name), g.id) > ($2, $3, $4::uuid)';
    }
    const rows: GroupRow[] = await this.groups.query(
      `WITH direct AS (
         SELECT group_id, count(*)::int AS n FROM computers WHERE revoked_at IS NULL AND group_id IS NOT NULL GROUP BY group_id
       )
       SELECT g.*,
              coalesce(d.n, 0) AS member_count,
              (SELECT coalesce(sum(sub.n), 0)::int FROM computer_groups x JOIN direct sub ON sub.group_id = x.id
                WHERE x.path @> ARRAY[g.id]) AS total_member_count,
              (SELECT count(*)::int FROM computer_groups c WHERE c.parent_id = g.id) AS child_count
         FROM computer_groups g
         LEFT JOIN direct d ON d.group_id = g.id
         ${where}
        ORDER BY g.depth, lower(g.name), g.id
        LIMIT $1`,
      params,
    );
    return rows.map((r) => ({ group: toEntity(r), memberCount: r.member_count, totalMemberCount: r.total_member_count, childCount: r.child_count }));
  }

  async findWithCounts(id: string): Promise<GroupWithCounts | null> {
    const rows: GroupRow[] = await this.groups.query(
      `SELECT g.*,
              (SELECT count(*)::int FROM computers c WHERE c.group_id = g.id AND c.revoked_at IS NULL) AS member_count,
              (SELECT count(*)::int FROM computers c JOIN computer_groups x ON x.id = c.group_id
                WHERE x.path @> ARRAY[g.id] AND c.revoked_at IS NULL) AS total_member_count,
              (SELECT count(*)::int FROM computer_groups c WHERE c.parent_id = g.id) AS child_count
         FROM computer_groups g WHERE g.id = $1`,
      [id],
    );
    return rows.length ? { group: toEntity(rows[0]), memberCount: rows[0].member_count, totalMemberCount: rows[0].total_member_count, childCount: rows[0].child_count } : null;
  }

  /** The sibling of that name (case-insensitive) under `parentId`, other than `exceptId`. */
  findSiblingNamed(manager: EntityManager, parentId: string, name: string, exceptId?: string): Promise<ComputerGroupEntity | null> {
    const query = manager
      .getRepository(ComputerGroupEntity)
      .createQueryBuilder('g')
      .where('g.parent_id = :parentId AND lower(g.name) = lower(:name)', { parentId, name });
    if (exceptId) query.andWhere('g.id <> :exceptId', { exceptId });
    return query.getOne();
  }

  /**
   * The group an agent asked for by name (client-side targeting), case-insensitively. Several
   * groups may share a name under different parents: the one closest to the root wins, then the
   * oldest, then the lowest id, so the choice is stable. The root is never a match: no computer
   * is a direct member of All Computers.
   */
  findByRequestedName(name: string, manager?: EntityManager): Promise<ComputerGroupEntity | null> {
    return this.repo(manager)
      .createQueryBuilder('g')
      .where('lower(g.name) = lower(:name) AND g.parent_id IS NOT NULL', { name })
      .orderBy('g.depth', 'ASC')
      .addOrderBy('g.created_at', 'ASC')
      .addOrderBy('g.id', 'ASC')
      .limit(1)
      .getOne();
  }

  async insertGroup(manager: EntityManager, name: string, parent: ComputerGroupEntity): Promise<ComputerGroupEntity> {
    const id = randomUUID();
    await manager.query(
      `INSERT INTO computer_groups (id, name, parent_id, path, depth) VALUES ($1, $2, $3, $4::uuid[] || $1::uuid, $5)`,
      [id, name, parent.id, parent.path, parent.depth + 1],
    );
    return (await this.findById(id, manager))!;
  }

  async rename(manager: EntityManager, id: string, name: string): Promise<void> {
    await manager.query('UPDATE computer_groups SET name = $2, updated_at = now() WHERE id = $1', [id, name]);
  }

  /**
   * Re-roots the subtree of `group` under `newParent`: every path in it gets the new prefix, and
   * every version in it grows, because what its computers inherit has changed.
   */
  async moveSubtree(manager: EntityManager, group: ComputerGroupEntity, newParent: ComputerGroupEntity): Promise<void> {
    await manager.query('UPDATE computer_groups SET parent_id = $2, updated_at = now() WHERE id = $1', [group.id, newParent.id]);
    await manager.query(
      `UPDATE computer_groups
          SET path = $2::uuid[] || path[$3:],
              depth = cardinality($2::uuid[]) + cardinality(path[$3:]) - 1,
              approval_version = approval_version + 1
        WHERE path @> ARRAY[$1::uuid]`,
      [group.id, newParent.path, group.depth + 1],
    );
  }

  /** Marks a change of the approvals these groups hold (see ComputerGroupEntity.approvalVersion). */
  async bumpApprovalVersions(manager: EntityManager, groupIds: string[]): Promise<void> {
    const unique = [...new Set(groupIds)];
    if (!unique.length) return;
    await manager.query('UPDATE computer_groups SET approval_version = approval_version + 1 WHERE id = ANY($1::uuid[])', [unique]);
  }

  /** A global change (e.g. a global decline) reaches every computer: the root is on every path. */
  bumpRootApprovalVersion(manager: EntityManager): Promise<void> {
    return this.bumpApprovalVersions(manager, [ALL_COMPUTERS_GROUP_ID]);
  }

  lockForDelete(manager: EntityManager, id: string): Promise<ComputerGroupEntity | null> {
    return manager.getRepository(ComputerGroupEntity).createQueryBuilder('g').setLock('pessimistic_write').where('g.id = :id', { id }).getOne();
  }

  async countDependents(manager: EntityManager, id: string): Promise<{ children: number; members: number; enrollmentKeys: number }> {
    const [row]: { children: number; members: number; enrollment_keys: number }[] = await manager.query(
      `SELECT (SELECT count(*)::int FROM computer_groups WHERE parent_id = $1) AS children,
              (SELECT count(*)::int FROM computers WHERE group_id = $1 AND revoked_at IS NULL) AS members,
              (SELECT count(*)::int FROM enrollment_keys WHERE group_id = $1 AND revoked_at IS NULL) AS enrollment_keys`,
      [id],
    );
    return { children: row.children, members: row.members, enrollmentKeys: row.enrollment_keys };
  }

  /** Deletes the group's approvals (they go with the group) and returns them for the approval log. */
  async removeApprovalsOfGroup(manager: EntityManager, id: string): Promise<RemovedApproval[]> {
    // TypeORM answers a DELETE with [rows, rowCount].
    const [rows]: [{ update_id: string; decision: DecisionOrNone; revision: number | null }[], number] = await manager.query(
      'DELETE FROM approvals WHERE group_id = $1 RETURNING update_id, decision, revision',
      [id],
    );
    return rows.map((r) => ({ updateId: r.update_id, decision: r.decision, revision: r.revision })).sort((a, b) => a.updateId.localeCompare(b.updateId));
  }

  /** Automatic approval rules stop targeting a deleted group. */
  async removeGroupFromRules(manager: EntityManager, id: string): Promise<void> {
    await manager.query(
      'UPDATE approval_rules SET group_ids = array_remove(group_ids, $1::uuid), updated_at = now() WHERE group_ids @> ARRAY[$1::uuid]',
      [id],
    );
  }

  async deleteGroup(manager: EntityManager, id: string): Promise<void> {
    await manager.query('DELETE FROM computer_groups WHERE id = $1', [id]);
  }
}
