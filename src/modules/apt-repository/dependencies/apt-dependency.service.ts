import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { NotFoundError } from '../../../common/errors/domain-error';
import { ApprovalAdvice, ApprovalAdvisor } from '../../approvals/approval-advisor';
import { AptCatalogViewRepository } from '../apt-catalog-view.repository';
import { aptSuiteContent, OfferAptViewResolver } from '../serving/offer-apt-view.resolver';
import { checkInstallable, DependencyCheck } from './apt-dependency-check';

export interface AptDependencyReport extends DependencyCheck {
  updateId: string;
  groupId: string;
  /** what apt was asked to install: `name=version` of the update's binaries */
  packages: string[];
}

/**
 * Whether a group's computers could install an APT update with what the group approves: apt
 * itself (`apt-get -s install`) against the candidate publication — the release's baseline plus
 * the group's approved updates plus this one — in a scratch root (docs/debian.md, "Dependencies").
 * Null for an update that is not an APT update.
 */
@Injectable()
export class AptDependencyService implements ApprovalAdvisor {
  constructor(
    private readonly dataSource: DataSource,
    private readonly catalog: AptCatalogViewRepository,
    private readonly views: OfferAptViewResolver,
  ) {}

  /** For an install approval's answer: the check, or null for an update that is not an APT update. */
  async advise(updateId: string, groupId: string): Promise<ApprovalAdvice | null> {
    const report = await this.check(updateId, groupId);
    return report && { installable: report.installable, unmet: report.unmet, packages: report.packages };
  }

  async check(updateId: string, groupId: string): Promise<AptDependencyReport | null> {
    const releaseKey = await this.catalog.releaseOfUpdate(updateId);
    if (!releaseKey) return null;
    const [group]: { path: string[] }[] = await this.dataSource.query('SELECT path::text[] AS path FROM computer_groups WHERE id = $1', [groupId]);
    if (!group) throw new NotFoundError('group', groupId);
    const release = (await this.catalog.releases()).find((r) => r.releaseKey === releaseKey);
    if (!release) return null;
    const approved = (await this.views.approvedBinaries(group.path, releaseKey)).filter((b) => b.updateId !== updateId);
    const own = await this.catalog.updateBinaries(releaseKey, [updateId]);
    const suites = [
      aptSuiteContent(release, release.codename, await this.catalog.baselineBinaries(releaseKey)),
      aptSuiteContent(release, `${release.codename}-approved`, [...approved, ...own]),
    ];
    const packages: string[] = [];
    const unmet: string[] = [];
    for (const arch of release.architectures) {
      const asked = own.filter((b) => b.architecture === arch || b.architecture === 'all').map((b) => `${b.package}=${b.version}`);
      if (asked.length === 0) continue;
      for (const p of asked) if (!packages.includes(p)) packages.push(p);
      const result = await checkInstallable(suites, asked, arch);
      if (!result.installable) unmet.push(...result.unmet.map((line) => (release.architectures.length > 1 ? `${arch}: ${line}` : line)));
    }
    return { updateId, groupId, installable: unmet.length === 0, unmet, packages };
  }
}
