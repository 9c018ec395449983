import { HttpStatus, Injectable } from '@nestjs/common';
import { CronExpressionParser } from 'cron-parser';
import { Principal } from '../../common/auth/role';
import { ConflictError, DomainError, NotFoundError } from '../../common/errors/domain-error';
import { decodeCursor, Page, toPage } from '../../common/pagination/page';
import { MaintenanceConfigDto, PutMaintenanceConfigDto } from './dto/maintenance-config.dto';
import { MaintenanceRunDto, StartedMaintenanceRunDto } from './dto/maintenance-run.dto';
import { MaintenanceConfigRepository } from './maintenance-config.repository';
import { MaintenanceLauncher } from './maintenance-launcher.service';
import { MAINTENANCE_SCHEDULE_TIME_ZONE, MaintenanceQueue } from './maintenance-queue';
import { MaintenanceRunsRepository } from './maintenance-runs.repository';
import { MaintenanceRun } from './maintenance-settings';
import { MAINTENANCE_TASK_ORDER, MaintenanceTaskName } from './tasks/maintenance-task';

const DEFAULT_BATCH_SIZE = 500;

const taskPosition = (name: string) => {
  const index = MAINTENANCE_TASK_ORDER.indexOf(name as MaintenanceTaskName);
  return index < 0 ? MAINTENANCE_TASK_ORDER.length : index;
};

const iso = (date: Date | null) => (date ? new Date(date).toISOString() : null);

const toRunDto = (run: MaintenanceRun): MaintenanceRunDto => ({
  id: run.id,
  trigger: run.trigger,
  status: run.status,
  requestedBy: run.requestedBy,
  queuedAt: new Date(run.queuedAt).toISOString(),
  startedAt: iso(run.startedAt),
  finishedAt: iso(run.finishedAt),
  attempts: run.attempts,
  // jsonb keeps keys in its own order: show them in the order they run.
  tasks: Object.entries(run.tasks)
    .sort(([a], [b]) => taskPosition(a) - taskPosition(b))
    .map(([task, p]) => ({ task, enabled: p.enabled, done: p.done, count: Number(p.count) })),
  settings: run.settings,
  error: run.error,
});

/** Maintenance configuration, manual runs and the maintenance log (runs are carried out by the worker). */
@Injectable()
export class MaintenanceService {
  constructor(
    private readonly configs: MaintenanceConfigRepository,
    private readonly runs: MaintenanceRunsRepository,
    private readonly launcher: MaintenanceLauncher,
    private readonly queue: MaintenanceQueue,
  ) {}

  async getConfig(): Promise<MaintenanceConfigDto> {
    const settings = await this.launcher.settings();
    return {
      ...settings,
      nextRunAt: settings.schedule ? CronExpressionParser.parse(settings.schedule, { tz: MAINTENANCE_SCHEDULE_TIME_ZONE }).next().toDate().toISOString() : null,
      updatedAt: settings.updatedAt.toISOString(),
    };
  }

  async putConfig(dto: PutMaintenanceConfigDto, principal: Principal): Promise<MaintenanceConfigDto> {
    const schedule = dto.schedule?.trim() || null;
    await this.configs.save({ ...dto, schedule, batchSize: dto.batchSize ?? DEFAULT_BATCH_SIZE, deleteUnneededContent: dto.deleteUnneededContent ?? true }, principal.name);
    await this.queue.applySchedule(schedule);
    return this.getConfig();
  }

  /** Starts a run now; 409 naming the active run when one is queued or running. */
  async startManualRun(principal: Principal): Promise<StartedMaintenanceRunDto> {
    const { run, created } = await this.launcher.launch('manual', principal.name);
    if (!created) {
      throw new ConflictError('maintenance_run_active', `maintenance run ${run.id} is ${run.status}; one run at a time`, { activeRunId: run.id });
    }
    return { id: run.id, status: run.status };
  }

  async list(limit: number, cursor?: string): Promise<Page<MaintenanceRunDto>> {
    const [afterSeq] = (decodeCursor(cursor, 1) ?? []) as unknown[];
    if (afterSeq !== undefined && (typeof afterSeq !== 'string' || !/^\d{1,19}$/.test(afterSeq))) {
      throw new DomainError('invalid_cursor', HttpStatus.BAD_REQUEST, 'cursor is not one this server issued');
    }
    const rows = await this.runs.listPage(limit + 1, afterSeq);
    return toPage(rows, limit, toRunDto, (run) => [run.seq]);
  }

  async get(id: string): Promise<MaintenanceRunDto> {
    const run = await this.runs.findById(id);
    if (!run) throw new NotFoundError('maintenance run', id);
    return toRunDto(run);
  }
}
