import { Module } from '@nestjs/common';
import { ApprovalsModule } from '../approvals/approvals.module';
import { OffersModule } from '../offers/offers.module';
import { ReportsController } from './reports.controller';
import { ReportsRepository } from './reports.repository';
import { ReportsService } from './reports.service';

@Module({
  imports: [ApprovalsModule, OffersModule],
  controllers: [ReportsController],
  providers: [ReportsRepository, ReportsService],
})
export class ReportsModule {}
