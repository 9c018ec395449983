import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Role } from '../../common/auth/role';
import { ApiTokenEntity } from './entities/api-token.entity';

@Injectable()
export class ApiTokensRepository {
  constructor(@InjectRepository(ApiTokenEntity) private readonly tokens: Repository<ApiTokenEntity>) {}

  insert(token: { name: string; role: Role; tokenHash: string; createdBy: string | null; expiresAt: Date | null }): Promise<ApiTokenEntity> {
    return this.tokens.save(this.tokens.create(token));
  }

  /** Neither revoked nor expired. */
  findActiveByHash(tokenHash: string): Promise<ApiTokenEntity | null> {
    return this.tokens
      .createQueryBuilder('t')
      .where('t.token_hash = :tokenHash AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now())', { tokenHash })
      .getOne();
  }

  findById(id: string): Promise<ApiTokenEntity | null> {
    return this.tokens.findOneBy({ id });
  }

  /** Newest first (by creation time to the millisecond, as cursors carry it), revoked and expired ones included. */
  listPage(limit: number, after?: { createdAt: string; id: string }): Promise<ApiTokenEntity[]> {
    const query = this.tokens
      .createQueryBuilder('t')
      .orderBy(`date_trunc('milliseconds', t.created_at)`, 'DESC')
      .addOrderBy('t.id', 'DESC')
      .limit(limit);
    if (after) query.where(`(date_trunc('milliseconds', t.created_at), t.id) < (CAST(:createdAt AS timestamptz), CAST(:id AS uuid))`, after);
    return query.getMany();
  }

  /** Sets revoked_at once; answers whether the token exists. */
  async revoke(id: string): Promise<boolean> {
    await this.tokens.createQueryBuilder().update().set({ revokedAt: () => 'now()' }).where('id = :id AND revoked_at IS NULL', { id }).execute();
    return (await this.tokens.countBy({ id })) > 0;
  }
}
