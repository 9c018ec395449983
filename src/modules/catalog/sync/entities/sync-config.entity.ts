import { Column, Entity, PrimaryColumn } from 'typeorm';
import { Classification } from '../../update-revision';
import { UpstreamKind } from '../upstreams/upstream-kind';

/** The server's one upstream and schedule (a single row, id 1). */
@Entity('sync_config')
export class SyncConfigEntity {
  @PrimaryColumn('smallint')
  id: number;

  @Column('varchar', { length: 40 })
  upstreamKind: UpstreamKind;

  @Column('text')
  upstreamUrl: string;

  /**
   * Bearer token this server presents to its upstream. Kept as given, since it must be sent;
   * never returned by the API nor logged.
   */
  @Column('text', { nullable: true })
  upstreamToken: string | null;

  /** What the upstream's kind keeps of its configuration beyond url and token (e.g. `apt`: sources, keyring). */
  @Column('jsonb', { nullable: true })
  upstreamSettings: unknown;

  /** Cron expression (UTC); null: manual syncs only. */
  @Column('varchar', { length: 120, nullable: true })
  schedule: string | null;

  @Column('text', { array: true })
  products: string[];

  @Column('varchar', { length: 20, array: true })
  classifications: Classification[];

  @Column('timestamptz')
  updatedAt: Date;

  @Column('varchar', { length: 100, nullable: true })
  updatedBy: string | null;
}
