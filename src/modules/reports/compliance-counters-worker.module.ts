import { Module } from '@nestjs/common';
import { ComplianceCountersModule } from './compliance-counters.module';
import { ComplianceFoldService } from './compliance-fold.service';

/** Worker side of the compliance counters: folds their pending deltas every second. */
@Module({
  imports: [ComplianceCountersModule],
  providers: [ComplianceFoldService],
})
export class ComplianceCountersWorkerModule {}
