import { Injectable } from '@nestjs/common';
import { Principal } from '../../../common/auth/role';
import { hashSecretToken, newSecretToken } from '../../../common/auth/secret-token';
import { NotFoundError } from '../../../common/errors/domain-error';
import { decodeCursor, Page, toPage } from '../../../common/pagination/page';
import { DownstreamTokensRepository } from './downstream-tokens.repository';
import { CreatedDownstreamTokenDto, CreateDownstreamTokenDto, DownstreamTokenDto } from './dto/downstream-token.dto';
import { DownstreamTokenEntity } from './entities/downstream-token.entity';

export const DOWNSTREAM_TOKEN_PREFIX = 'pgd';

const toDto = (t: DownstreamTokenEntity): DownstreamTokenDto => ({
  id: t.id,
  name: t.name,
  createdAt: t.createdAt.toISOString(),
  lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
  revokedAt: t.revokedAt?.toISOString() ?? null,
});

/** Tokens by which downstream Patchgate servers read this server's catalog. */
@Injectable()
export class DownstreamTokensService {
  constructor(private readonly tokens: DownstreamTokensRepository) {}

  async create(dto: CreateDownstreamTokenDto, creator: Principal): Promise<CreatedDownstreamTokenDto> {
    const { token, hash } = newSecretToken(DOWNSTREAM_TOKEN_PREFIX);
    const row = await this.tokens.insert({ name: dto.name, tokenHash: hash, createdBy: creator.kind === 'user' ? creator.id : null });
    return { ...toDto(row), token };
  }

  async list(limit: number, cursor?: string): Promise<Page<DownstreamTokenDto>> {
    const after = decodeCursor(cursor, 2) as [string, string] | undefined;
    const rows = await this.tokens.listPage(limit + 1, after);
    return toPage(rows, limit, toDto, (t) => [t.createdAt.toISOString(), t.id]);
  }

  async revoke(id: string): Promise<void> {
    if (await this.tokens.revoke(id)) return;
    if (!(await this.tokens.findById(id))) throw new NotFoundError('downstream token', id);
    // Already revoked: revoking again changes nothing.
  }

  /** The token's row when it is a live downstream token, else null. */
  async authenticate(token: string): Promise<DownstreamTokenEntity | null> {
    if (!token.startsWith(`${DOWNSTREAM_TOKEN_PREFIX}_`)) return null;
    const row = await this.tokens.findActiveByHash(hashSecretToken(token));
    if (row) await this.tokens.touch(row.id);
    return row;
  }
}
