import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { UpdateRevisionEntity } from './entities/update-revision.entity';
import { UpdateEntity } from './entities/update.entity';
import { Classification, Severity, UpdateState } from './update-revision';

export interface UpdateFilter {
  classification?: Classification;
  product?: string;
  severity?: Severity;
  q?: string;
  approved?: boolean;
  declined?: boolean;
  state?: UpdateState;
}

/** Sort key of the catalog list: newest first, ties by id. */
export type UpdateListKey = [releasedAt: string, updateId: string];

@Injectable()
export class CatalogRepository {
  constructor(
    @InjectRepository(UpdateEntity) private readonly updates: Repository<UpdateEntity>,
    @InjectRepository(UpdateRevisionEntity) private readonly revisions: Repository<UpdateRevisionEntity>,
  ) {}

  findPage(filter: UpdateFilter, limit: number, after?: UpdateListKey): Promise<UpdateEntity[]> {
    const query = this.updates.createQueryBuilder('u').orderBy('u.released_at', 'DESC').addOrderBy('u.update_id', 'ASC').take(limit);
    if (filter.classification) query.andWhere('u.classification = :classification', { classification: filter.classification });
    if (filter.severity) query.andWhere('u.severity = :severity', { severity: filter.severity });
    if (filter.state) query.andWhere('u.state = :state', { state: filter.state });
    if (filter.product) {
      query.andWhere(
        `(u.products @> ARRAY[:product]::text[] OR EXISTS (SELECT 1 FROM unnest(u.products) p WHERE p LIKE :productPrefix))`,
        { product: filter.product, productPrefix: `${escapeLike(filter.product)}/%` },
      );
    }
    if (filter.q) {
      const q = filter.q.trim();
      query.andWhere(`(u.title ILIKE :qLike OR u.kb @> ARRAY[upper(:q)]::text[] OR u.cves @> ARRAY[upper(:q)]::text[])`, {
        q,
        qLike: `%${escapeLike(q)}%`,
      });
    }
    if (filter.declined !== undefined) query.andWhere(filter.declined ? 'u.declined_at IS NOT NULL' : 'u.declined_at IS NULL');
    if (filter.approved !== undefined) {
      query.andWhere(`${filter.approved ? '' : 'NOT '}EXISTS (${APPROVED_FOR_INSTALL_SQL})`);
    }
    if (after) {
      query.andWhere('(u.released_at < :afterAt OR (u.released_at = :afterAt AND u.update_id > :afterId))', {
        afterAt: after[0],
        afterId: after[1],
      });
    }
    return query.getMany();
  }

  findUpdate(updateId: string, manager?: EntityManager): Promise<UpdateEntity | null> {
    return (manager?.getRepository(UpdateEntity) ?? this.updates).findOneBy({ updateId });
  }

  findRevisions(updateId: string): Promise<UpdateRevisionEntity[]> {
    return this.revisions.find({ where: { updateId }, order: { revision: 'DESC' } });
  }

  findCurrentRevision(updateId: string, revision: number): Promise<UpdateRevisionEntity | null> {
    return this.revisions.findOneBy({ updateId, revision });
  }

  async findTitles(updateIds: string[]): Promise<Map<string, string>> {
    if (!updateIds.length) return new Map();
    const rows: { update_id: string; title: string }[] = await this.updates.query(
      'SELECT update_id, title FROM updates WHERE update_id = ANY($1::uuid[])',
      [updateIds],
    );
    return new Map(rows.map((r) => [r.update_id, r.title]));
  }

  findSupersededBy(updateId: string): Promise<{ updateId: string; title: string }[]> {
    return this.updates
      .createQueryBuilder('u')
      .select(['u.updateId', 'u.title'])
      .where('u.supersedes @> ARRAY[:id]::uuid[]', { id: updateId })
      .orderBy('u.released_at', 'DESC')
      .getMany();
  }

  /** Locks the update row for a change made in `manager`'s transaction. */
  lockUpdate(manager: EntityManager, updateId: string): Promise<UpdateEntity | null> {
    return manager.getRepository(UpdateEntity).createQueryBuilder('u').setLock('pessimistic_write').where('u.update_id = :updateId', { updateId }).getOne();
  }

  async markDeclined(manager: EntityManager, updateId: string, by: string, reason: string): Promise<void> {
    await manager.query(
      `UPDATE updates SET declined_at = now(), declined_by = $2, decline_reason = $3, changed_at = now(),
              change_seq = nextval('catalog_change_seq') WHERE update_id = $1`,
      [updateId, by, reason],
    );
  }
}

/**
 * "Approved" in the catalog list: some group has an explicit install decision. Approvals live in
 * their own module; the table is created by its migration.
 */
const APPROVED_FOR_INSTALL_SQL = `SELECT 1 FROM approvals a WHERE a.update_id = u.update_id AND a.decision = 'install'`;

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
