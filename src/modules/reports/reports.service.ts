import { Injectable } from '@nestjs/common';
import { NotFoundError } from '../../common/errors/domain-error';
import { ApprovalsRepository } from '../approvals/approvals.repository';
import { isApplicable } from '../offers/offer-builder';
import { OffersRepository } from '../offers/offers.repository';
import { ALL_COMPUTERS_GROUP_ID } from '../groups/built-in-groups';
import { ComputerReportDto, GroupReportDto, StateCountsDto, UpdateReportDto } from './dto/report.dto';
import { ReportsRepository, ScopeGroup, StateCount } from './reports.repository';

const emptyCounts = (): StateCountsDto => ({
  installed: 0, installedPendingReboot: 0, downloaded: 0, failed: 0, notApplicable: 0, uninstalled: 0, needed: 0, unknown: 0,
});

const FIELD: Record<string, keyof StateCountsDto> = {
  installed: 'installed',
  installed_pending_reboot: 'installedPendingReboot',
  downloaded: 'downloaded',
  failed: 'failed',
  not_applicable: 'notApplicable',
  uninstalled: 'uninstalled',
  needed: 'needed',
  unknown: 'unknown',
};

/** Compliant: the update is on the machine or does not apply to it. */
const compliant = (c: StateCountsDto) => c.installed + c.installedPendingReboot + c.notApplicable;
/** The computers the update concerns: approved for it, or reporting on it. */
const concerned = (c: StateCountsDto) => compliant(c) + c.needed + c.failed + c.downloaded + c.uninstalled;
const percent = (part: number, whole: number) => (whole === 0 ? 100 : Math.round((1000 * part) / whole) / 10);

@Injectable()
export class ReportsService {
  constructor(
    private readonly reports: ReportsRepository,
    private readonly approvals: ApprovalsRepository,
    private readonly offers: OffersRepository,
  ) {}

  async updateReport(updateId: string, groupId?: string): Promise<UpdateReportDto> {
    if (!(await this.reports.updateExists(updateId))) throw new NotFoundError('update', updateId);
    const groups = await this.scope(groupId ?? ALL_COMPUTERS_GROUP_ID);
    const approved = await this.installApprovedPairs(groups, [updateId]);
    const counts = this.fold(await this.reports.countStates(groups.map((g) => g.id), [updateId], approved)).get(updateId) ?? emptyCounts();
    return { updateId, groupId: groupId ?? null, computers: Object.values(counts).reduce((a, b) => a + b, 0), counts };
  }

  /** Every update the group approves for install, with per-state counts over the group and its subgroups. */
  async groupReport(groupId: string): Promise<GroupReportDto> {
    const groups = await this.scope(groupId);
    const own = groups.find((g) => g.id === groupId)!;
    const decisions = await this.approvals.findEffectiveDecisions(own.path);
    const updateIds = decisions.filter((d) => d.decision === 'install' && d.status === 'active').map((d) => d.updateId);
    const approved = await this.installApprovedPairs(groups, updateIds);
    const counts = this.fold(await this.reports.countStates(groups.map((g) => g.id), updateIds, approved));
    const updates = (await this.reports.findTitles(updateIds)).map((u) => {
      const c = counts.get(u.updateId) ?? emptyCounts();
      return { ...u, counts: c, compliancePercent: percent(compliant(c), concerned(c)) };
    });
    const totals = updates.reduce((sum, u) => ({ ok: sum.ok + compliant(u.counts), all: sum.all + concerned(u.counts) }), { ok: 0, all: 0 });
    const computers = updates.length ? Object.values(updates[0].counts).reduce((a, b) => a + b, 0) : await this.countComputers(groups);
    return { groupId, computers, compliancePercent: percent(totals.ok, totals.all), updates };
  }

  /** Every update approved for the computer that applies to it, with what it reported. */
  async computerReport(computerId: string): Promise<ComputerReportDto> {
    const computer = await this.reports.findComputer(computerId);
    if (!computer) throw new NotFoundError('computer', computerId);
    const decisions = (await this.approvals.findEffectiveDecisions(computer.groupPath)).filter(
      (d) => (d.decision === 'install' && d.status === 'active') || d.decision === 'uninstall',
    );
    const action = new Map(decisions.map((d) => [d.updateId, d.decision]));
    const [updates, states] = await Promise.all([
      this.offers.findOfferableUpdates([...action.keys()]),
      this.reports.findComputerStates(computerId),
    ]);
    const reported = new Map(states.map((s) => [s.updateId, s]));
    const facts = { osFamily: computer.osFamily, osVersion: computer.osVersion, arch: computer.arch, installed: new Map<string, number>() };
    return {
      computerId,
      hostname: computer.hostname,
      updates: updates
        .filter((u) => isApplicable(u.applicability, facts))
        .map((u) => {
          const state = reported.get(u.updateId);
          return {
            updateId: u.updateId,
            revision: u.revision,
            title: u.title,
            action: action.get(u.updateId)!,
            state: state?.state ?? (action.get(u.updateId) === 'install' ? 'needed' : 'unknown'),
            errorCode: state?.errorCode ?? null,
            message: state?.message ?? null,
            reportedAt: state ? new Date(state.occurredAt).toISOString() : null,
          };
        }),
    };
  }

  private async scope(groupId: string): Promise<ScopeGroup[]> {
    const groups = await this.reports.findSubtree(groupId);
    if (!groups.length) throw new NotFoundError('group', groupId);
    return groups;
  }

  /** (group, update) pairs whose effective decision is an active install, group by group. */
  private async installApprovedPairs(groups: ScopeGroup[], updateIds: string[]): Promise<{ groupId: string; updateId: string }[]> {
    if (!updateIds.length) return [];
    const perGroup = await Promise.all(
      groups.map(async (group) =>
        (await this.approvals.findEffectiveDecisions(group.path, updateIds))
          .filter((d) => d.decision === 'install' && d.status === 'active')
          .map((d) => ({ groupId: group.id, updateId: d.updateId })),
      ),
    );
    return perGroup.flat();
  }

  private fold(rows: StateCount[]): Map<string, StateCountsDto> {
    const byUpdate = new Map<string, StateCountsDto>();
    for (const row of rows) {
      const counts = byUpdate.get(row.updateId) ?? emptyCounts();
      counts[FIELD[row.state]] += row.count;
      byUpdate.set(row.updateId, counts);
    }
    return byUpdate;
  }

  private async countComputers(groups: ScopeGroup[]): Promise<number> {
    return this.reports.countComputers(groups.map((g) => g.id));
  }
}
