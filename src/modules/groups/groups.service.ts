import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Principal } from '../../common/auth/role';
import { ConflictError, NotFoundError } from '../../common/errors/domain-error';
import { decodeCursor, Page, toPage } from '../../common/pagination/page';
import { actorOf } from '../approval-log/approval-log-actor';
import { OfferVersionsService } from '../offer-versions/offer-versions.service';
import { ApprovalLogWriter } from '../approval-log/approval-log.writer';
import { ALL_COMPUTERS_GROUP_ID, UNASSIGNED_COMPUTERS_GROUP_ID } from './built-in-groups';
import { CreateGroupDto, GroupDto, UpdateGroupDto } from './dto/group.dto';
import { ComputerGroupEntity } from './entities/computer-group.entity';
import { GroupListKey, GroupsRepository, GroupWithCounts } from './groups.repository';
import { UnitOfWork } from '../../infra/database/unit-of-work';

const toDto = ({ group, memberCount, totalMemberCount, childCount }: GroupWithCounts): GroupDto => ({
  id: group.id,
  name: group.name,
  parentId: group.parentId,
  path: group.path,
  depth: group.depth,
  builtIn: group.builtIn,
  memberCount,
  totalMemberCount,
  childCount,
  approvalVersion: String(group.approvalVersion),
  createdAt: group.createdAt.toISOString(),
  updatedAt: group.updatedAt.toISOString(),
});

/**
 * The group tree. Every structural change runs under the approval-state lock (ApprovalLogWriter.lock):
 * the tree decides what each computer inherits, so tree changes and approval changes are serialized
 * with each other, and group deletion logs the approvals it removes in the same transaction.
 */
@Injectable()
export class GroupsService {
  constructor(
    private readonly groups: GroupsRepository,
    private readonly log: ApprovalLogWriter,
    private readonly offerVersions: OfferVersionsService,
    private readonly dataSource: DataSource,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  async list(limit: number, cursor?: string): Promise<Page<GroupDto>> {
    const after = decodeCursor(cursor, 3) as GroupListKey | undefined;
    const rows = await this.groups.findPageWithCounts(limit + 1, after);
    return toPage(rows, limit, toDto, (r) => [r.group.depth, r.group.name.toLowerCase(), r.group.id]);
  }

  async get(id: string): Promise<GroupDto> {
    const row = await this.groups.findWithCounts(id);
    if (!row) throw new NotFoundError('group', id);
    return toDto(row);
  }

  async create(dto: CreateGroupDto): Promise<GroupDto> {
    const created = await this.dataSource.transaction(async (manager) => {
      await this.log.lock(manager);
      const parent = await this.existingGroup(manager, dto.parentId ?? ALL_COMPUTERS_GROUP_ID);
      this.assertMayHaveSubgroups(parent);
      await this.assertNameFree(manager, parent.id, dto.name);
      return this.groups.insertGroup(manager, dto.name, parent);
    });
    return this.get(created.id);
  }

  async update(id: string, dto: UpdateGroupDto): Promise<GroupDto> {
    await this.unitOfWork.run(async (tx): Promise<void> => {
      const { manager } = tx;
      await this.log.lock(manager);
      const group = await this.existingGroup(manager, id);
      const moving = dto.parentId !== undefined && dto.parentId.toLowerCase() !== group.parentId;
      const renaming = dto.name !== undefined && dto.name !== group.name;
      if (!moving && !renaming) return;
      if (group.builtIn) throw new ConflictError('built_in_group', `${group.name} is built in: it cannot be renamed or moved`);
      let parent = group.parentId!;
      if (moving) {
        const newParent = await this.existingGroup(manager, dto.parentId!);
        if (newParent.path.includes(group.id)) {
          throw new ConflictError('group_cycle', `cannot move ${group.name} under itself or one of its subgroups`);
        }
        this.assertMayHaveSubgroups(newParent);
        await this.assertNameFree(manager, newParent.id, dto.name ?? group.name, group.id);
        await this.groups.moveSubtree(manager, group, newParent);
        // A move changes what every computer below inherits.
        tx.afterCommit(() => this.offerVersions.bumpGroupTree());
        parent = newParent.id;
      }
      if (renaming) {
        await this.assertNameFree(manager, parent, dto.name!, group.id);
        await this.groups.rename(manager, group.id, dto.name!);
      }
    });
    return this.get(id);
  }

  /**
   * Deletes an empty group. Its approvals go with it, each logged as reverted to "none", and
   * automatic approval rules stop targeting it.
   */
  async delete(id: string, actor: Principal): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await this.log.lock(manager);
      const group = await this.groups.lockForDelete(manager, id);
      if (!group) throw new NotFoundError('group', id);
      if (group.builtIn) throw new ConflictError('built_in_group', `${group.name} is built in: it cannot be deleted`);
      const dependents = await this.groups.countDependents(manager, id);
      if (dependents.children || dependents.members) {
        throw new ConflictError(
          'group_not_empty',
          `${group.name} has ${dependents.children} subgroup(s) and ${dependents.members} computer(s): move or delete them first`,
          { children: dependents.children, members: dependents.members },
        );
      }
      if (dependents.enrollmentKeys) {
        throw new ConflictError('group_in_use', `${dependents.enrollmentKeys} active enrollment key(s) place computers in ${group.name}: revoke them first`, {
          enrollmentKeys: dependents.enrollmentKeys,
        });
      }
      const removed = await this.groups.removeApprovalsOfGroup(manager, id);
      await this.log.append(
        manager,
        removed.map((approval) => ({
          actor: actorOf(actor),
          updateId: approval.updateId,
          revision: approval.revision,
          groupId: id,
          previousDecision: approval.decision,
          newDecision: 'none' as const,
          status: null,
          deadline: null,
          optional: false,
          reason: `group "${group.name}" deleted`,
          source: 'manual' as const,
          ruleId: null,
        })),
      );
      await this.groups.removeGroupFromRules(manager, id);
      await this.groups.deleteGroup(manager, id);
    });
  }

  private async existingGroup(manager: EntityManager, id: string): Promise<ComputerGroupEntity> {
    const group = await this.groups.findById(id, manager);
    if (!group) throw new NotFoundError('group', id);
    return group;
  }

  /** As in WSUS, Unassigned Computers holds computers only. */
  private assertMayHaveSubgroups(parent: ComputerGroupEntity): void {
    if (parent.id === UNASSIGNED_COMPUTERS_GROUP_ID) {
      throw new ConflictError('no_subgroups_here', `${parent.name} cannot have subgroups`);
    }
  }

  private async assertNameFree(manager: EntityManager, parentId: string, name: string, exceptId?: string): Promise<void> {
    const sibling = await this.groups.findSiblingNamed(manager, parentId, name, exceptId);
    if (sibling) throw new ConflictError('group_name_taken', `a group named "${sibling.name}" already exists there`, { groupId: sibling.id });
  }
}
