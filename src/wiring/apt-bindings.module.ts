import { Global, Module } from '@nestjs/common';
import { APPROVAL_ADVISOR } from '../modules/approvals/approval-advisor';
import { AptRepositoryModule } from '../modules/apt-repository/apt-repository.module';
import { AptDependencyService } from '../modules/apt-repository/dependencies/apt-dependency.service';
import { AptApprovedUpdatesAdapter } from '../modules/apt-repository/serving/apt-approved-updates.adapter';
import { APT_APPROVED_UPDATES } from '../modules/dpkg-inventory/apt-approved-updates';

/**
 * Ports of lower modules that the APT repositories implement; the repositories depend on the
 * offer engine, which depends on the approvals, and the check-in (which records the dpkg
 * inventory) uses the engine too, so the bindings live here, outside the module folders:
 * - the dpkg inventory's install states (src/modules/dpkg-inventory/) read the approved APT updates;
 * - an install approval's answer carries apt's dependency check (src/modules/approvals/approval-advisor.ts).
 */
@Global()
@Module({
  imports: [AptRepositoryModule],
  providers: [
    { provide: APT_APPROVED_UPDATES, useExisting: AptApprovedUpdatesAdapter },
    { provide: APPROVAL_ADVISOR, useExisting: AptDependencyService },
  ],
  exports: [APT_APPROVED_UPDATES, APPROVAL_ADVISOR],
})
export class AptBindingsModule {}
