import { Injectable } from '@nestjs/common';
import { ConflictError, NotFoundError } from '../../common/errors/domain-error';
import { decodeCursor, Page, toPage } from '../../common/pagination/page';
import { ApprovalsRepository } from '../approvals/approvals.repository';
import { CatalogRepository } from '../catalog/catalog.repository';
import { ALL_COMPUTERS_GROUP_ID } from '../groups/built-in-groups';
import { GroupsRepository } from '../groups/groups.repository';
import { OfferVersionsService } from '../offer-versions/offer-versions.service';
import { SettingsService } from '../settings/settings.service';
import { ComputerPrincipal } from '../../common/auth/computer-principal';
import { ComputerTokenCache } from './computer-token.cache';
import { ComputerListKey, ComputersRepository, ComputerWithGroup } from './computers.repository';
import { ComputerDetailDto, ComputerDto, ListComputersQueryDto } from './dto/computer.dto';
import { EffectiveApprovalDto, EffectiveApprovalsDto } from './dto/effective-approvals.dto';
import { ComputerIdentityDto } from './dto/register-computer.dto';
import { UnitOfWork } from '../../infra/database/unit-of-work';

const DAY_MS = 24 * 3600 * 1000;

const toDto = ({ computer: c, groupName }: ComputerWithGroup, staleAfterDays: number): ComputerDto => ({
  id: c.id,
  hostname: c.hostname,
  osFamily: c.osFamily,
  osVersion: c.osVersion,
  arch: c.arch,
  agentVersion: c.agentVersion,
  groupId: c.groupId,
  groupName,
  requestedGroup: c.requestedGroup,
  registeredAt: c.registeredAt.toISOString(),
  lastSeenAt: c.lastSeenAt?.toISOString() ?? null,
  stale: (c.lastSeenAt ?? c.registeredAt).getTime() < Date.now() - staleAfterDays * DAY_MS,
  revokedAt: c.revokedAt?.toISOString() ?? null,
});

@Injectable()
export class ComputersService {
  constructor(
    private readonly computers: ComputersRepository,
    private readonly groups: GroupsRepository,
    private readonly approvals: ApprovalsRepository,
    private readonly catalog: CatalogRepository,
    private readonly settings: SettingsService,
    private readonly offerVersions: OfferVersionsService,
    private readonly tokens: ComputerTokenCache,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  /** The cached principal carries the group; a move must not leave the old one behind. */
  private async forgetToken(id: string): Promise<void> {
    const tokenHash = await this.computers.findTokenHash(id);
    if (tokenHash) await this.tokens.forget(tokenHash);
  }

  async list(query: ListComputersQueryDto): Promise<Page<ComputerDto>> {
    const { staleAfterDays } = await this.settings.current();
    const limit = query.limit ?? 100;
    const after = decodeCursor(query.cursor, 2) as ComputerListKey | undefined;
    const rows = await this.computers.findPage({ ...query, staleAfterDays }, limit + 1, after);
    return toPage(rows, limit, (r) => toDto(r, staleAfterDays), (r) => [r.computer.hostname, r.computer.id]);
  }

  /** Revoked computers stay readable (with revokedAt), so their history can be looked up. */
  async get(id: string): Promise<ComputerDetailDto> {
    const row = await this.computers.findWithGroup(id);
    if (!row) throw new NotFoundError('computer', id);
    const { staleAfterDays } = await this.settings.current();
    return { ...toDto(row, staleAfterDays), inventory: row.computer.inventory };
  }

  /** Server-side targeting: puts the computer in the group. Its offers follow that group's approvals. */
  async assignGroup(id: string, groupId: string): Promise<ComputerDetailDto> {
    await this.unitOfWork.run(async ({ manager, afterCommit }) => {
      // Group first (share-locked against deletion), then the computer: the order group deletion uses too.
      const group = await this.groups.findByIdForMembership(manager, groupId);
      if (!group) throw new NotFoundError('group', groupId);
      if (group.id === ALL_COMPUTERS_GROUP_ID) {
        throw new ConflictError('root_has_no_members', `${group.name} holds no computers directly: choose one of its groups`);
      }
      const computer = await this.computers.findActiveForUpdate(manager, id);
      if (!computer) throw new NotFoundError('computer', id);
      await this.computers.assignGroup(manager, id, group.id);
      // The cached principal holds the group; the offer follows it.
      afterCommit(() => this.forgetToken(id));
      afterCommit(() => this.offerVersions.bumpComputers([id]));
    });
    return this.get(id);
  }

  /** Deleting a computer revokes its token at once (its next call is a 401); the row stays for history. */
  async revoke(id: string): Promise<void> {
    const tokenHash = await this.computers.revoke(id);
    if (tokenHash) {
      await this.tokens.forget(tokenHash);
      await this.offerVersions.bumpComputers([id]);
      return;
    }
    if (!(await this.computers.exists(id))) throw new NotFoundError('computer', id);
  }

  async identity(principal: ComputerPrincipal): Promise<ComputerIdentityDto> {
    const row = (await this.computers.findWithGroup(principal.computerId))!;
    const { checkInSeconds } = await this.settings.current();
    return {
      computerId: row.computer.id,
      hostname: row.computer.hostname,
      groupId: row.computer.groupId!,
      groupName: row.groupName!,
      requestedGroup: row.computer.requestedGroup,
      checkInSeconds,
    };
  }

  /**
   * What the computer inherits, update by update: the nearest explicit decision on its group path
   * (ApprovalsRepository.findEffectiveDecisions). Global declines and expiry are applied on top of
   * this by the offer; a `needs_review` install is not offered.
   */
  async effectiveApprovals(id: string, query: { updateId?: string; limit: number; cursor?: string }): Promise<EffectiveApprovalsDto> {
    const row = await this.computers.findWithGroup(id);
    if (!row || !row.computer.groupId) throw new NotFoundError('computer', id);
    const group = (await this.groups.findById(row.computer.groupId))!;
    const [afterUpdateId] = (decodeCursor(query.cursor, 1) ?? []) as string[];
    const decisions = await this.approvals.findEffectiveDecisions(
      group.path,
      query.updateId ? [query.updateId] : undefined,
      { afterUpdateId, limit: query.limit + 1 },
    );
    const pathGroups = new Map((await this.groups.findByIds(group.path)).map((g) => [g.id, g]));
    const titles = await this.catalog.findTitles(decisions.map((d) => d.updateId));
    const page = toPage(
      decisions,
      query.limit,
      (d): EffectiveApprovalDto => ({
        updateId: d.updateId,
        title: titles.get(d.updateId) ?? null,
        decision: d.decision,
        deadline: d.deadline?.toISOString() ?? null,
        optional: d.optional,
        status: d.status,
        revision: d.revision,
        sourceGroupId: d.groupId,
        sourceGroupName: pathGroups.get(d.groupId)?.name ?? null,
        inherited: d.groupId !== group.id,
      }),
      (d) => [d.updateId],
    );
    return {
      computerId: id,
      groupId: group.id,
      groupPath: group.path.map((gid) => ({ id: gid, name: pathGroups.get(gid)?.name ?? null })),
      ...page,
    };
  }
}
