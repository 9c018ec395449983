import { HttpStatus, Injectable } from '@nestjs/common';
import { CronExpressionParser } from 'cron-parser';
import { Principal } from '../../../common/auth/role';
import { DomainError } from '../../../common/errors/domain-error';
import { PutSyncConfigDto, SyncConfigDto } from './dto/sync-config.dto';
import { SyncConfigEntity } from './entities/sync-config.entity';
import { SyncConfigRepository } from './sync-config.repository';
import { SYNC_SCHEDULE_TIME_ZONE, SyncQueue } from './sync-queue';

/** The upstream and the schedule. The schedule lives twice: here, and as the BullMQ job scheduler. */
@Injectable()
export class SyncConfigService {
  constructor(
    private readonly configs: SyncConfigRepository,
    private readonly queue: SyncQueue,
  ) {}

  async get(): Promise<SyncConfigDto> {
    return toDto(await this.configs.find());
  }

  async put(dto: PutSyncConfigDto, principal: Principal): Promise<SyncConfigDto> {
    const stored = await this.configs.find();
    const { kind, url } = dto.upstream;
    const sameUpstream = stored?.upstreamKind === kind && stored.upstreamUrl === url;
    // Omitted: keep the stored token for the same upstream (admins cannot read it back to resend it).
    const token = dto.upstream.token === undefined ? (sameUpstream ? stored.upstreamToken : null) : dto.upstream.token;
    if (kind === 'patchgate' && !token) {
      throw new DomainError('validation_failed', HttpStatus.BAD_REQUEST, 'The request is not valid', {
        errors: [{ field: 'upstream.token', message: 'a patchgate upstream needs the downstream token it issued' }],
      });
    }
    const schedule = dto.schedule?.trim() || null;
    const saved = await this.configs.save({
      upstreamKind: kind,
      upstreamUrl: url,
      upstreamToken: token,
      schedule,
      products: [...new Set(dto.products ?? [])],
      classifications: [...new Set(dto.classifications ?? [])],
      updatedBy: principal.name,
    });
    await this.queue.applySchedule(schedule);
    return toDto(saved);
  }
}

function toDto(config: SyncConfigEntity | null): SyncConfigDto {
  if (!config) {
    return { upstream: null, schedule: null, nextRunAt: null, products: [], classifications: [], updatedAt: null, updatedBy: null };
  }
  return {
    upstream: { kind: config.upstreamKind, url: config.upstreamUrl, hasToken: config.upstreamToken !== null },
    schedule: config.schedule,
    nextRunAt: config.schedule ? CronExpressionParser.parse(config.schedule, { tz: SYNC_SCHEDULE_TIME_ZONE }).next().toDate().toISOString() : null,
    products: config.products,
    classifications: config.classifications,
    updatedAt: config.updatedAt.toISOString(),
    updatedBy: config.updatedBy,
  };
}
