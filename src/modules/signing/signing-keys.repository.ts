import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { SigningKeyAlg, SigningKeyEntity } from './entities/signing-key.entity';

const SIGNING_KEY_LOCK = 7_453_003;

@Injectable()
export class SigningKeysRepository {
  constructor(@InjectRepository(SigningKeyEntity) private readonly keys: Repository<SigningKeyEntity>) {}

  findActive(alg: SigningKeyAlg): Promise<SigningKeyEntity | null> {
    return this.keys.findOneBy({ alg, retiredAt: IsNull() });
  }

  /** Published keys of one alg: the active one and those retired within the grace period, newest first. */
  findPublished(alg: SigningKeyAlg, retiredSince: Date): Promise<SigningKeyEntity[]> {
    return this.keys
      .createQueryBuilder('k')
      .where('k.alg = :alg', { alg })
      .andWhere('(k.retired_at IS NULL OR k.retired_at > :since)', { since: retiredSince })
      .orderBy('k.created_at', 'DESC')
      .getMany();
  }

  /**
   * Inserts `make()`'s key unless another process made one of that alg first; returns the active key.
   * The key is made before the lock is taken (OpenPGP key generation is asynchronous) and only
   * when none exists yet.
   */
  async createActiveIfMissing(
    alg: SigningKeyAlg,
    make: () => Omit<SigningKeyEntity, 'alg' | 'createdAt' | 'retiredAt'> | Promise<Omit<SigningKeyEntity, 'alg' | 'createdAt' | 'retiredAt'>>,
  ): Promise<SigningKeyEntity> {
    const active = await this.findActive(alg);
    if (active) return active;
    const made = await make();
    return this.keys.manager.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [SIGNING_KEY_LOCK]);
      const existing = await manager.findOneBy(SigningKeyEntity, { alg, retiredAt: IsNull() });
      if (existing) return existing;
      return manager.save(SigningKeyEntity, manager.create(SigningKeyEntity, { ...made, alg, retiredAt: null }));
    });
  }
}
