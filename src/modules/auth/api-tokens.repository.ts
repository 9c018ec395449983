import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Role } from '../../common/auth/role';
import { ApiTokenEntity } from './entities/api-token.entity';

@Injectable()
export class ApiTokensRepository {
  constructor(@InjectRepository(ApiTokenEntity) private readonly tokens: Repository<ApiTokenEntity>) {}

  insert(token: { name: string; role: Role; tokenHash: string; createdBy: string | null }): Promise<ApiTokenEntity> {
    return this.tokens.save(this.tokens.create(token));
  }

  findActiveByHash(tokenHash: string): Promise<ApiTokenEntity | null> {
    return this.tokens.createQueryBuilder('t').where('t.token_hash = :tokenHash AND t.revoked_at IS NULL', { tokenHash }).getOne();
  }
}
