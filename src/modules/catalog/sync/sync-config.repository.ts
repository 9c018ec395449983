import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Classification } from '../update-revision';
import { SyncConfigEntity } from './entities/sync-config.entity';
import { UpstreamKind } from './upstreams/upstream-kind';

export interface SyncConfigValues {
  upstreamKind: UpstreamKind;
  upstreamUrl: string;
  upstreamToken: string | null;
  upstreamSettings: unknown;
  schedule: string | null;
  products: string[];
  classifications: Classification[];
  updatedBy: string | null;
}

const COLUMNS = 'upstream_kind, upstream_url, upstream_token, upstream_settings, schedule, products, classifications, updated_by';
const params = (c: SyncConfigValues) => [
  c.upstreamKind, c.upstreamUrl, c.upstreamToken, c.upstreamSettings === null || c.upstreamSettings === undefined ? null : JSON.stringify(c.upstreamSettings),
  c.schedule, c.products, c.classifications, c.updatedBy,
];

@Injectable()
export class SyncConfigRepository {
  constructor(@InjectRepository(SyncConfigEntity) private readonly configs: Repository<SyncConfigEntity>) {}

  find(): Promise<SyncConfigEntity | null> {
    return this.configs.findOneBy({ id: 1 });
  }

  async save(values: SyncConfigValues): Promise<SyncConfigEntity> {
    await this.configs.query(
      `INSERT INTO sync_config (id, ${COLUMNS}, updated_at) VALUES (1, $1, $2, $3, $4::jsonb, $5, $6, $7, $8, now())
       ON CONFLICT (id) DO UPDATE SET
         upstream_kind = EXCLUDED.upstream_kind, upstream_url = EXCLUDED.upstream_url, upstream_token = EXCLUDED.upstream_token, upstream_settings = EXCLUDED.upstream_settings,
         schedule = EXCLUDED.schedule, products = EXCLUDED.products, classifications = EXCLUDED.classifications,
         updated_by = EXCLUDED.updated_by, updated_at = now()`,
      params(values),
    );
    return (await this.find())!;
  }

  /** Stores the configuration only when there is none yet. True when this call stored it. */
  async insertIfAbsent(values: SyncConfigValues): Promise<boolean> {
    const rows: unknown[] = await this.configs.query(
      `INSERT INTO sync_config (id, ${COLUMNS}, updated_at) VALUES (1, $1, $2, $3, $4::jsonb, $5, $6, $7, $8, now())
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      params(values),
    );
    return rows.length === 1;
  }
}
