import { ApiProperty } from '@nestjs/swagger';
import { MAINTENANCE_RUN_STATUSES, MAINTENANCE_TRIGGERS, MaintenanceRunStatus, MaintenanceTrigger } from '../maintenance-settings';
import { PutMaintenanceConfigDto } from './maintenance-config.dto';

export class StartedMaintenanceRunDto {
  @ApiProperty() id: string;
  @ApiProperty({ enum: MAINTENANCE_RUN_STATUSES }) status: MaintenanceRunStatus;
}

export class MaintenanceTaskDto {
  @ApiProperty({ example: 'declineSuperseded' }) task: string;
  @ApiProperty({ description: 'false: the settings switched the task off' }) enabled: boolean;
  @ApiProperty({ description: 'the task has nothing left to do in this run' }) done: boolean;
  @ApiProperty({ description: 'updates declined, computers removed, status events pruned, or tables vacuumed' }) count: number;
}

/** A maintenance log entry. */
export class MaintenanceRunDto {
  @ApiProperty() id: string;
  @ApiProperty({ enum: MAINTENANCE_TRIGGERS }) trigger: MaintenanceTrigger;
  @ApiProperty({ enum: MAINTENANCE_RUN_STATUSES }) status: MaintenanceRunStatus;
  @ApiProperty({ nullable: true, description: 'who started a manual run' }) requestedBy: string | null;
  @ApiProperty() queuedAt: string;
  @ApiProperty({ nullable: true }) startedAt: string | null;
  @ApiProperty({ nullable: true }) finishedAt: string | null;
  @ApiProperty({ description: 'job attempts so far; a retried attempt continues after the last committed batch' }) attempts: number;
  @ApiProperty({ type: [MaintenanceTaskDto], description: 'in the order they run; empty until the run starts' }) tasks: MaintenanceTaskDto[];
  @ApiProperty({ type: PutMaintenanceConfigDto, description: 'the settings the run was queued with' }) settings: PutMaintenanceConfigDto;
  @ApiProperty({ nullable: true, description: "why the run failed; while it runs, the last failed attempt's error" }) error: string | null;
}
