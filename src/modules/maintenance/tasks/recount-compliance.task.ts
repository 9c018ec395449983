import { Injectable } from '@nestjs/common';
import { ComplianceCounters } from '../../reports/compliance-counters';
import { MaintenanceSettings } from '../maintenance-settings';
import { MaintenanceTask, MaintenanceTaskName, TaskBatch } from './maintenance-task';

/**
 * Recounts the compliance counters from the stored states and replaces them (docs/reports.md). The
 * triggers keep them exact, so `count` (the counter rows the recount corrected) is 0 unless
 * something wrote around them; a non-zero count is logged with the run. One batch, in its own
 * transaction (it locks the counters against writers while it reads): repeating it is harmless.
 */
@Injectable()
export class RecountComplianceTask implements MaintenanceTask {
  readonly name = MaintenanceTaskName.RecountCompliance;
  readonly transactional = false;

  constructor(private readonly counters: ComplianceCounters) {}

  enabled(_settings: MaintenanceSettings): boolean {
    return true;
  }

  async runBatch(): Promise<TaskBatch> {
    const { differences } = await this.counters.recount();
    return { count: differences, done: true };
  }
}
