import { Module } from '@nestjs/common';
import { ApprovalsModule } from '../approvals/approvals.module';
import { ContentModule } from '../content/content.module';
import { SettingsModule } from '../settings/settings.module';
import { SigningModule } from '../signing/signing.module';
import { StatusModule } from '../status/status.module';
import { CheckInRepository } from './check-in.repository';
import { CheckInService } from './check-in.service';
import { ComputerContextCache } from './computer-context.cache';
import { GroupOfferCache } from './group-offer.cache';
import { LastSeenRecorder } from './last-seen.recorder';

@Module({
  imports: [ApprovalsModule, ContentModule, SettingsModule, SigningModule, StatusModule],
  providers: [CheckInRepository, CheckInService, ComputerContextCache, GroupOfferCache, LastSeenRecorder],
  exports: [CheckInRepository, CheckInService],
})
export class CheckInModule {}
