import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { EnrollmentKeyEntity } from './entities/enrollment-key.entity';

export interface EnrollmentKeyWithGroup {
  key: EnrollmentKeyEntity;
  groupName: string | null;
}

/** Why a key cannot register a computer (the key itself exists). */
export type KeyRejection = 'revoked' | 'expired' | 'exhausted';

@Injectable()
export class EnrollmentKeysRepository {
  constructor(@InjectRepository(EnrollmentKeyEntity) private readonly keys: Repository<EnrollmentKeyEntity>) {}

  async insert(
    manager: EntityManager,
    key: { name: string; keyHash: string; groupId: string | null; expiresAt: Date | null; maxUses: number | null; createdBy: string },
  ): Promise<EnrollmentKeyEntity> {
    const [row]: { id: string }[] = await manager.query(
      `INSERT INTO enrollment_keys (name, key_hash, group_id, expires_at, max_uses, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [key.name, key.keyHash, key.groupId, key.expiresAt, key.maxUses, key.createdBy],
    );
    return manager.getRepository(EnrollmentKeyEntity).findOneByOrFail({ id: row.id });
  }

  async findPage(limit: number, afterCreatedAt?: string, afterId?: string): Promise<EnrollmentKeyWithGroup[]> {
    const query = this.keys
      .createQueryBuilder('k')
      .leftJoin('computer_groups', 'g', 'g.id = k.group_id')
      .addSelect('g.name', 'group_name')
      .orderBy('k.created_at', 'DESC')
      .addOrderBy('k.id', 'ASC')
      .limit(limit);
    if (afterCreatedAt && afterId) {
      query.where('(k.created_at < :afterCreatedAt OR (k.created_at = :afterCreatedAt AND k.id > :afterId))', { afterCreatedAt, afterId });
    }
    const { entities, raw } = await query.getRawAndEntities();
    return entities.map((key, i) => ({ key, groupName: (raw[i] as { group_name: string | null }).group_name }));
  }

  async findWithGroup(id: string): Promise<EnrollmentKeyWithGroup | null> {
    const { entities, raw } = await this.keys
      .createQueryBuilder('k')
      .leftJoin('computer_groups', 'g', 'g.id = k.group_id')
      .addSelect('g.name', 'group_name')
      .where('k.id = :id', { id })
      .getRawAndEntities();
    return entities.length ? { key: entities[0], groupName: (raw[0] as { group_name: string | null }).group_name } : null;
  }

  /**
   * Counts one use of a valid key and returns it; null when the key is unknown, revoked, expired or
   * used up. One conditional UPDATE: concurrent registrations queue on the row and re-check the
   * condition, so max_uses is never exceeded.
   */
  async consumeUse(manager: EntityManager, keyHash: string): Promise<EnrollmentKeyEntity | null> {
    const [rows]: [{ id: string }[], number] = await manager.query(
      `UPDATE enrollment_keys SET use_count = use_count + 1
        WHERE key_hash = $1 AND revoked_at IS NULL
          AND (expires_at IS NULL OR expires_at > now())
          AND (max_uses IS NULL OR use_count < max_uses)
        RETURNING id`,
      [keyHash],
    );
    return rows.length ? manager.getRepository(EnrollmentKeyEntity).findOneByOrFail({ id: rows[0].id }) : null;
  }

  /** For a key consumeUse refused: why, or null when no key has that hash. */
  async findRejection(manager: EntityManager, keyHash: string): Promise<KeyRejection | null> {
    const key = await manager.getRepository(EnrollmentKeyEntity).findOneBy({ keyHash });
    if (!key) return null;
    if (key.revokedAt) return 'revoked';
    if (key.expiresAt && key.expiresAt.getTime() <= Date.now()) return 'expired';
    return 'exhausted';
  }

  async revoke(id: string): Promise<boolean> {
    const result: [unknown[], number] = await this.keys.query('UPDATE enrollment_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL', [id]);
    return result[1] > 0;
  }

  exists(id: string): Promise<boolean> {
    return this.keys.existsBy({ id });
  }
}
