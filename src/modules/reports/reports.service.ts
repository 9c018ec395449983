import { Injectable } from '@nestjs/common';
import { NotFoundError } from '../../common/errors/domain-error';
import { ApprovalsRepository } from '../approvals/approvals.repository';
import { isApplicable } from '../offers/offer-builder';
import { OffersRepository } from '../offers/offers.repository';
import { ALL_COMPUTERS_GROUP_ID } from '../groups/built-in-groups';
import { ComputerReportDto, GroupReportDto, StateCountsDto, UpdateReportDto } from './dto/report.dto';
import { ComplianceCounters, RecountResult } from './compliance-counters';
import { ReportsRepository, UpdateCounts } from './reports.repository';

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
    private readonly counters: ComplianceCounters,
  ) {}

  async updateReport(updateId: string, groupId?: string): Promise<UpdateReportDto> {
    if (!(await this.reports.updateExists(updateId))) throw new NotFoundError('update', updateId);
    const scope = groupId ?? ALL_COMPUTERS_GROUP_ID;
    await this.groupPath(scope);
    const { counts, applicable } = this.toDto((await this.reports.countStates(scope, [updateId])).get(updateId));
    const computers = Object.values(counts).reduce((a, b) => a + b, 0);
    return { updateId, groupId: groupId ?? null, computers, applicableComputers: applicable, counts };
  }

  /** Every update the group approves for install, with per-state counts over the group and its subgroups. */
  async groupReport(groupId: string): Promise<GroupReportDto> {
    const path = await this.groupPath(groupId);
    const decisions = await this.approvals.findEffectiveDecisions(path);
    const updateIds = decisions.filter((d) => d.decision === 'install' && d.status === 'active').map((d) => d.updateId);
    const [perUpdate, titles] = await Promise.all([this.reports.countStates(groupId, updateIds), this.reports.findTitles(updateIds)]);
    const updates = titles.map((u) => {
      const { counts, applicable } = this.toDto(perUpdate.get(u.updateId));
      return { ...u, counts, applicableComputers: applicable, compliancePercent: percent(compliant(counts), concerned(counts)) };
    });
    const totals = updates.reduce((sum, u) => ({ ok: sum.ok + compliant(u.counts), all: sum.all + concerned(u.counts) }), { ok: 0, all: 0 });
    const computers = updates.length ? Object.values(updates[0].counts).reduce((a, b) => a + b, 0) : await this.reports.countComputers(groupId);
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

  /** Recounts the compliance counters from scratch (see ComplianceCounters.recount). */
  recount(): Promise<RecountResult> {
    return this.counters.recount();
  }

  private async groupPath(groupId: string): Promise<string[]> {
    const path = await this.reports.findGroupPath(groupId);
    if (!path) throw new NotFoundError('group', groupId);
    return path;
  }

  private toDto(row: UpdateCounts | undefined): { counts: StateCountsDto; applicable: number } {
    const counts = emptyCounts();
    for (const [state, n] of Object.entries(row?.states ?? {})) counts[FIELD[state]] += n;
    return { counts, applicable: row?.applicable ?? 0 };
  }
}
