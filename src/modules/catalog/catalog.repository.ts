import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { NEEDED_STATES } from '../status/install-state';
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
  baseline?: boolean;
}

/** Sort key of the catalog list: newest first, ties by id. */
export type UpdateListKey = [releasedAt: string, updateId: string];

/** An update a maintenance task is about to decline (its row locked). */
export interface DeclineCandidate {
  updateId: string;
  currentRevision: number;
  supersededBy?: string;
}

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
    if (filter.baseline !== undefined) query.andWhere(filter.baseline ? 'u.baseline' : 'NOT u.baseline');
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

  markDeclined(manager: EntityManager, updateId: string, by: string, reason: string): Promise<void> {
    return this.markAllDeclined(manager, [{ updateId, reason }], by);
  }

  async markAllDeclined(manager: EntityManager, declines: { updateId: string; reason: string }[], by: string): Promise<void> {
    await manager.query(
      `UPDATE updates u SET declined_at = now(), declined_by = $3, decline_reason = d.reason, changed_at = now(),
              change_seq = nextval('catalog_change_seq')
         FROM unnest($1::uuid[], $2::text[]) AS d(update_id, reason) WHERE u.update_id = d.update_id`,
      [declines.map((d) => d.updateId), declines.map((d) => d.reason), by],
    );
  }

  /**
   * Up to `limit` undeclined updates that a current update (active, not declined) has superseded
   * since before `supersededBefore` (the sync time of the superseding update's first revision that
   * names them), and that no computer still needs: no computer in service reports them downloaded,
   * failed or installed pending a reboot (WSUS's "needed" count). Locked, for declining in `manager`'s transaction.
   */
  findSupersededUnneeded(manager: EntityManager, supersededBefore: Date, limit: number): Promise<DeclineCandidate[]> {
    return manager.query(
      `SELECT a.update_id AS "updateId", a.current_revision AS "currentRevision", s.update_id AS "supersededBy"
         FROM updates a
         CROSS JOIN LATERAL (
           SELECT b.update_id FROM updates b
            WHERE b.supersedes @> ARRAY[a.update_id] AND b.state = 'active' AND b.declined_at IS NULL
              AND (SELECT min(r.synced_at) FROM update_revisions r
                    WHERE r.update_id = b.update_id AND r.document->'supersedes' ? a.update_id::text) < $1
            LIMIT 1) s
        WHERE a.declined_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM install_states i JOIN computers c ON c.id = i.computer_id AND c.revoked_at IS NULL
                           WHERE i.update_id = a.update_id AND i.state = ANY($3))
        ORDER BY a.update_id
        LIMIT $2
        FOR UPDATE OF a SKIP LOCKED`,
      [supersededBefore, limit, NEEDED_STATES],
    );
  }

  /** Up to `limit` expired updates not yet declined, locked for declining in `manager`'s transaction. */
  findExpiredUndeclined(manager: EntityManager, limit: number): Promise<DeclineCandidate[]> {
    return manager.query(
      `SELECT update_id AS "updateId", current_revision AS "currentRevision" FROM updates
        WHERE state = 'expired' AND declined_at IS NULL ORDER BY update_id LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
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
