import { Module } from '@nestjs/common';
import { ComplianceCounters } from './compliance-counters';

/** The compliance counters' recount, for the reports API and the maintenance run (worker). */
@Module({
  providers: [ComplianceCounters],
  exports: [ComplianceCounters],
})
export class ComplianceCountersModule {}
