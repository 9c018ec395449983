import { Injectable } from '@nestjs/common';
import { Principal } from '../../../common/auth/role';
import { ConflictError, NotFoundError } from '../../../common/errors/domain-error';
import { Page } from '../../../common/pagination/page';
import { GroupsRepository } from '../../groups/groups.repository';
import { ApprovalRuleDto, CreateApprovalRuleDto, RuleRunResultDto, UpdateApprovalRuleDto } from '../dto/approval-rule.dto';
import { ApprovalRuleEntity } from '../entities/approval-rule.entity';
import { ApprovalRulesRepository, RuleFields } from './approval-rules.repository';
import { RuleEvaluator } from './rule-evaluator';

const toDto = (r: ApprovalRuleEntity): ApprovalRuleDto => ({
  id: r.id,
  name: r.name,
  enabled: r.enabled,
  classifications: r.classifications,
  products: r.products,
  minSeverity: r.minSeverity,
  groupIds: r.groupIds,
  deadlineDays: r.deadlineDays,
  delayDays: r.delayDays,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
  updatedBy: r.updatedBy,
});

/**
 * Automatic approval rules, as in WSUS: matching updates are approved for install in the rule's
 * groups when a sync brings them, once they have soaked `delayDays`, and on `apply`. A rule does
 * not approve updates that require a EULA: accepting a licence is an admin's act (WSUS too holds
 * such updates back until someone accepts), so they wait for a manual approval.
 */
@Injectable()
export class ApprovalRulesService {
  constructor(
    private readonly rules: ApprovalRulesRepository,
    private readonly groups: GroupsRepository,
    private readonly evaluator: RuleEvaluator,
  ) {}

  async list(): Promise<Page<ApprovalRuleDto>> {
    return { items: (await this.rules.findAll()).map(toDto), nextCursor: null };
  }

  async get(id: string): Promise<ApprovalRuleDto> {
    return toDto(await this.existing(id));
  }

  async create(dto: CreateApprovalRuleDto, actor: Principal): Promise<ApprovalRuleDto> {
    await this.assertNameFree(dto.name);
    const groupIds = await this.existingGroups(dto.groupIds);
    const fields: RuleFields = {
      name: dto.name,
      enabled: dto.enabled ?? true,
      classifications: dto.classifications ?? [],
      products: dto.products ?? [],
      minSeverity: dto.minSeverity ?? null,
      groupIds,
      deadlineDays: dto.deadlineDays ?? null,
      delayDays: dto.delayDays ?? null,
    };
    return toDto(await this.rules.insert(fields, actor.name));
  }

  async update(id: string, dto: UpdateApprovalRuleDto, actor: Principal): Promise<ApprovalRuleDto> {
    const rule = await this.existing(id);
    const change: Partial<RuleFields> = {};
    if (dto.name !== undefined && dto.name !== rule.name) {
      await this.assertNameFree(dto.name, id);
      change.name = dto.name;
    }
    if (dto.enabled !== undefined) change.enabled = dto.enabled;
    if (dto.classifications !== undefined) change.classifications = dto.classifications;
    if (dto.products !== undefined) change.products = dto.products;
    if (dto.groupIds !== undefined) change.groupIds = await this.existingGroups(dto.groupIds);
    // null clears these three; left out keeps them
    if (dto.minSeverity !== undefined) change.minSeverity = dto.minSeverity;
    if (dto.deadlineDays !== undefined) change.deadlineDays = dto.deadlineDays;
    if (dto.delayDays !== undefined) change.delayDays = dto.delayDays;
    if (!Object.keys(change).length) return toDto(rule);
    return toDto(await this.rules.update(id, change, actor.name));
  }

  /** Deleting a rule keeps the approvals it made: they are approvals like any other now. */
  async delete(id: string): Promise<void> {
    if (!(await this.rules.delete(id))) throw new NotFoundError('approval rule', id);
  }

  /** Runs the rule (enabled or not: running it is an explicit request) against the whole catalog, now. */
  async apply(id: string): Promise<RuleRunResultDto> {
    const rule = await this.existing(id);
    const totals = await this.evaluator.evaluateCatalog([rule]);
    return {
      ruleId: rule.id,
      updatesEvaluated: totals.updatesEvaluated,
      approvalsCreated: totals.approvalsByRule.get(rule.id) ?? 0,
      updatesSkippedBusy: totals.updatesSkippedBusy,
    };
  }

  private async existing(id: string): Promise<ApprovalRuleEntity> {
    const rule = await this.rules.findById(id);
    if (!rule) throw new NotFoundError('approval rule', id);
    return rule;
  }

  private async assertNameFree(name: string, exceptId?: string): Promise<void> {
    const other = await this.rules.findByName(name);
    if (other && other.id !== exceptId) throw new ConflictError('rule_name_taken', `an approval rule named "${other.name}" exists`, { ruleId: other.id });
  }

  private async existingGroups(groupIds: string[]): Promise<string[]> {
    const ids = [...new Set(groupIds.map((id) => id.toLowerCase()))];
    const found = new Set((await this.groups.findByIds(ids)).map((g) => g.id));
    const missing = ids.find((id) => !found.has(id));
    if (missing) throw new NotFoundError('group', missing);
    return ids;
  }
}
