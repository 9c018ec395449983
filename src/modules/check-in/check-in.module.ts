import { Module } from '@nestjs/common';
import { ApprovalsModule } from '../approvals/approvals.module';
import { ContentCoreModule } from '../content/content-core.module';
import { DpkgInventoryModule } from '../dpkg-inventory/dpkg-inventory.module';
import { SettingsModule } from '../settings/settings.module';
import { SigningModule } from '../signing/signing.module';
import { StatusModule } from '../status/status.module';
import { CheckInController } from './check-in.controller';
import { CheckInRepository } from './check-in.repository';
import { CheckInService } from './check-in.service';
import { ComputerContextCache } from './computer-context.cache';
import { GroupOfferCache } from './group-offer.cache';
import { LastSeenRecorder } from './last-seen.recorder';

@Module({
  imports: [ApprovalsModule, ContentCoreModule, DpkgInventoryModule, SettingsModule, SigningModule, StatusModule],
  controllers: [CheckInController],
  providers: [CheckInRepository, CheckInService, ComputerContextCache, GroupOfferCache, LastSeenRecorder],
  exports: [CheckInRepository, CheckInService],
})
export class CheckInModule {}
