import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { DownstreamTokenEntity } from './entities/downstream-token.entity';

@Injectable()
export class DownstreamTokensRepository {
  constructor(@InjectRepository(DownstreamTokenEntity) private readonly tokens: Repository<DownstreamTokenEntity>) {}

  insert(token: { name: string; tokenHash: string; createdBy: string | null }): Promise<DownstreamTokenEntity> {
    return this.tokens.save(this.tokens.create(token));
  }

  findActiveByHash(tokenHash: string): Promise<DownstreamTokenEntity | null> {
    return this.tokens.createQueryBuilder('t').where('t.token_hash = :tokenHash AND t.revoked_at IS NULL', { tokenHash }).getOne();
  }

  findById(id: string): Promise<DownstreamTokenEntity | null> {
    return this.tokens.findOneBy({ id });
  }

  /** Newest first; `after`: [createdAt ISO, id] of the previous page's last row. */
  listPage(limit: number, after?: [string, string]): Promise<DownstreamTokenEntity[]> {
    const query = this.tokens.createQueryBuilder('t').orderBy('t.created_at', 'DESC').addOrderBy('t.id', 'DESC').take(limit);
    if (after) query.where('(t.created_at, t.id) < (:afterAt, :afterId)', { afterAt: after[0], afterId: after[1] });
    return query.getMany();
  }

  async revoke(id: string): Promise<boolean> {
    const [, affected] = (await this.tokens.query('UPDATE downstream_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL', [id])) as [
      unknown,
      number,
    ];
    return affected === 1;
  }

  /** Notes a use, at most once a minute per token, so a long sync does not write on every page. */
  async touch(id: string): Promise<void> {
    await this.tokens.query(
      `UPDATE downstream_tokens SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
      [id],
    );
  }
}
