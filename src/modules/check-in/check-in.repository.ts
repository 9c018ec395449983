import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** The check-in's own writes; what an offer reads is in src/modules/offers/offers.repository.ts. */
@Injectable()
export class CheckInRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** One statement for many computers' last contact; never moves a timestamp backwards. */
  async recordLastSeen(seen: Map<string, Date>): Promise<void> {
    if (!seen.size) return;
    await this.dataSource.query(
      `UPDATE computers c SET last_seen_at = v.seen_at
         FROM unnest($1::uuid[], $2::timestamptz[]) AS v(id, seen_at)
        WHERE c.id = v.id AND (c.last_seen_at IS NULL OR c.last_seen_at < v.seen_at)`,
      [[...seen.keys()], [...seen.values()]],
    );
  }
}
