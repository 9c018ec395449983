import { HttpStatus, Injectable } from '@nestjs/common';
import { CronExpressionParser } from 'cron-parser';
import { Principal } from '../../../common/auth/role';
import { DomainError } from '../../../common/errors/domain-error';
import { PutSyncConfigDto, SyncConfigDto } from './dto/sync-config.dto';
import { SyncConfigEntity } from './entities/sync-config.entity';
import { SyncConfigRepository } from './sync-config.repository';
import { SYNC_SCHEDULE_TIME_ZONE, SyncQueue } from './sync-queue';
import { UpstreamKindRegistry } from './upstreams/upstream-kinds';

/** The upstream and the schedule. The schedule lives twice: here, and as the BullMQ job scheduler. */
@Injectable()
export class SyncConfigService {
  constructor(
    private readonly configs: SyncConfigRepository,
    private readonly queue: SyncQueue,
    private readonly kinds: UpstreamKindRegistry,
  ) {}

  async get(): Promise<SyncConfigDto> {
    return this.toDto(await this.configs.find());
  }

  async put(dto: PutSyncConfigDto, principal: Principal): Promise<SyncConfigDto> {
    const stored = await this.configs.find();
    const { kind } = dto.upstream;
    // The DTO let through only registered kinds.
    const handler = this.kinds.get(kind);
    const accepted = await handler.acceptConfig(dto.upstream);
    if ('errors' in accepted) {
      throw new DomainError('validation_failed', HttpStatus.BAD_REQUEST, 'The request is not valid', {
        errors: accepted.errors.map((e) => ({ field: `upstream.${e.field}`, message: e.message })),
      });
    }
    const { url, settings } = accepted;
    const sameUpstream = stored?.upstreamKind === kind && stored.upstreamUrl === url;
    // Omitted: keep the stored token for the same upstream (admins cannot read it back to resend it).
    const token = handler.token === 'none' ? null : accepted.token === undefined ? (sameUpstream ? stored.upstreamToken : null) : accepted.token;
    if (handler.token === 'required' && !token) {
      throw new DomainError('validation_failed', HttpStatus.BAD_REQUEST, 'The request is not valid', {
        errors: [{ field: 'upstream.token', message: `a ${kind} upstream needs a token (for patchgate: the downstream token it issued)` }],
      });
    }
    const schedule = dto.schedule?.trim() || null;
    const saved = await this.configs.save({
      upstreamKind: kind,
      upstreamUrl: url,
      upstreamToken: token,
      upstreamSettings: settings,
      schedule,
      products: [...new Set(dto.products ?? [])],
      classifications: [...new Set(dto.classifications ?? [])],
      updatedBy: principal.name,
    });
    await this.queue.applySchedule(schedule);
    return this.toDto(saved);
  }

  private toDto(config: SyncConfigEntity | null): SyncConfigDto {
    return toDto(config, (c) => {
      const upstream = { kind: c.upstreamKind, url: c.upstreamUrl, token: null, settings: c.upstreamSettings };
      return { kind: c.upstreamKind, ...this.kinds.get(c.upstreamKind).viewConfig(upstream), url: c.upstreamUrl, hasToken: c.upstreamToken !== null };
    });
  }
}

function toDto(config: SyncConfigEntity | null, viewUpstream: (config: SyncConfigEntity) => SyncConfigDto['upstream']): SyncConfigDto {
  if (!config) {
    return { upstream: null, schedule: null, nextRunAt: null, products: [], classifications: [], updatedAt: null, updatedBy: null };
  }
  return {
    upstream: viewUpstream(config),
    schedule: config.schedule,
    nextRunAt: config.schedule ? CronExpressionParser.parse(config.schedule, { tz: SYNC_SCHEDULE_TIME_ZONE }).next().toDate().toISOString() : null,
    products: config.products,
    classifications: config.classifications,
    updatedAt: config.updatedAt.toISOString(),
    updatedBy: config.updatedBy,
  };
}
