import { Global, Module } from '@nestjs/common';
import { AptRepositoryModule } from '../modules/apt-repository/apt-repository.module';
import { AptApprovedUpdatesAdapter } from '../modules/apt-repository/serving/apt-approved-updates.adapter';
import { APT_APPROVED_UPDATES } from '../modules/dpkg-inventory/apt-approved-updates';

/**
 * The dpkg inventory (src/modules/dpkg-inventory/, used by the check-in) derives install states
 * from the approved APT updates the APT repositories know; the repositories depend on the offer
 * engine, which the check-in also uses, so the binding lives here, outside the module folders.
 */
@Global()
@Module({
  imports: [AptRepositoryModule],
  providers: [{ provide: APT_APPROVED_UPDATES, useExisting: AptApprovedUpdatesAdapter }],
  exports: [APT_APPROVED_UPDATES],
})
export class AptApprovedUpdatesModule {}
