import { Module } from '@nestjs/common';
import { ApprovalsModule } from '../approvals/approvals.module';
import { OffersModule } from '../offers/offers.module';
import { ReportsRepository } from './reports.repository';
import { ReportsService } from './reports.service';

@Module({
  imports: [ApprovalsModule, OffersModule],
  providers: [ReportsRepository, ReportsService],
  exports: [ReportsService],
})
export class ReportsModule {}
