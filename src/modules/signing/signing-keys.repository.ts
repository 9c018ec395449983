import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { SigningKeyEntity } from './entities/signing-key.entity';

const SIGNING_KEY_LOCK = 7_453_003;

@Injectable()
export class SigningKeysRepository {
  constructor(@InjectRepository(SigningKeyEntity) private readonly keys: Repository<SigningKeyEntity>) {}

  findActive(): Promise<SigningKeyEntity | null> {
    return this.keys.findOneBy({ retiredAt: IsNull() });
  }

  /** Published keys: the active one and those retired within the grace period, newest first. */
  findPublished(retiredSince: Date): Promise<SigningKeyEntity[]> {
    return this.keys
      .createQueryBuilder('k')
      .where('k.retired_at IS NULL OR k.retired_at > :since', { since: retiredSince })
      .orderBy('k.created_at', 'DESC')
      .getMany();
  }

  /** Inserts `make()`'s key unless another process made one first; returns the active key. */
  createActiveIfMissing(make: () => Omit<SigningKeyEntity, 'createdAt' | 'retiredAt'>): Promise<SigningKeyEntity> {
    return this.keys.manager.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [SIGNING_KEY_LOCK]);
      const existing = await manager.findOneBy(SigningKeyEntity, { retiredAt: IsNull() });
      if (existing) return existing;
      return manager.save(SigningKeyEntity, manager.create(SigningKeyEntity, { ...make(), retiredAt: null }));
    });
  }
}
