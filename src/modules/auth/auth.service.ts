import { HttpStatus, Injectable, UnauthorizedException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { hashSecretToken, newSecretToken } from '../../common/auth/secret-token';
import { Principal, Role } from '../../common/auth/role';
import { DomainError, NotFoundError } from '../../common/errors/domain-error';
import { decodeCursor, Page, toPage } from '../../common/pagination/page';
import { AppConfig } from '../../infra/config/app-config';
import { RateLimits } from '../../infra/rate-limit/rate-limits.service';
import { RequestOrigin } from '../audit/events/audit-event';
import { AuditTrail } from '../audit/events/audit-trail.service';
import { UsersRepository } from '../users/users.repository';
import { ApiTokensRepository } from './api-tokens.repository';
import { API_TOKEN_DEFAULT_DAYS, ApiTokenDto, CreateApiTokenDto, CreatedApiTokenDto } from './dto/create-api-token.dto';
import { LoginResponseDto } from './dto/login.dto';
import { DECOY_HASH_PROMISE, verifyPassword } from '../users/password-hasher';

/** The claims Patchgate puts in its JWTs. */
export interface AccessTokenClaims {
  sub: string;
  username: string;
  role: Role;
  /** issued at, seconds (set by the JWT library) */
  iat?: number;
  /**
   * The user's password change the token was issued after (epoch ms; 0: never changed). Compared
   * exactly, not with `iat`: a change in the same second as the login still ends the session.
   */
  pwc?: number;
}

export const API_TOKEN_PREFIX = 'pgt';

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersRepository,
    private readonly apiTokens: ApiTokensRepository,
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
    private readonly auditTrail: AuditTrail,
    private readonly limits: RateLimits,
  ) {}

  /** `origin` (client IP, request id) goes into the audit event every login attempt writes. */
  async login(username: string, password: string, origin?: RequestOrigin): Promise<LoginResponseDto> {
    const ip = origin?.clientIp ?? null;
    // Counted before the password is checked, atomically: parallel guesses cannot outrun the limit.
    await this.limits.countLoginAttempt(username, ip);
    let user;
    let valid: boolean;
    try {
      user = await this.users.findActiveByUsername(username);
      // Verify against a decoy when the user is unknown, so timing does not reveal usernames.
      valid = await verifyPassword(password, user?.passwordHash ?? (await DECOY_HASH_PROMISE));
    } catch (error) {
      await this.limits.loginUndecided(username, ip).catch(() => undefined);
      throw error;
    }
    if (!user || !valid) {
      await this.auditTrail.recordLogin(username, null, origin);
      throw new UnauthorizedException({ code: 'invalid_credentials', message: 'username or password is wrong' });
    }
    await Promise.all([
      this.auditTrail.recordLogin(username, { type: 'user', id: user.id, name: user.username, role: user.role }, origin),
      this.limits.loginSucceeded(username, ip),
    ]);
    const claims: AccessTokenClaims = { sub: user.id, username: user.username, role: user.role, pwc: user.passwordChangedAt?.getTime() ?? 0 };
    return { accessToken: await this.jwt.signAsync(claims), expiresIn: this.config.jwtExpiresInSeconds };
  }

  /**
   * A JWT stays valid only while its user exists, is enabled, keeps the role it was issued for and
   * has not changed password since (a password change ends earlier sessions).
   */
  async principalFromClaims(claims: AccessTokenClaims): Promise<Principal | null> {
    const user = await this.users.findActiveById(claims.sub);
    if (!user || user.role !== claims.role) return null;
    if ((user.passwordChangedAt?.getTime() ?? 0) !== (claims.pwc ?? 0)) return null;
    return { kind: 'user', id: user.id, name: user.username, role: user.role };
  }

  async principalFromApiToken(token: string): Promise<Principal | null> {
    if (!token.startsWith(`${API_TOKEN_PREFIX}_`)) return null;
    const row = await this.apiTokens.findActiveByHash(hashSecretToken(token));
    if (!row) return null;
    await this.limits.consume('apiToken', row.id);
    return { kind: 'api-token', id: row.id, name: row.name, role: row.role };
  }

  async createApiToken(dto: CreateApiTokenDto, creator: Principal): Promise<CreatedApiTokenDto> {
    const expiresAt = dto.expiresAt === null ? null : dto.expiresAt ? new Date(dto.expiresAt) : new Date(Date.now() + API_TOKEN_DEFAULT_DAYS * 86_400_000);
    if (expiresAt && expiresAt.getTime() <= Date.now()) {
      throw new DomainError('expires_in_past', HttpStatus.BAD_REQUEST, 'expiresAt must be in the future');
    }
    const { token, hash } = newSecretToken(API_TOKEN_PREFIX);
    const row = await this.apiTokens.insert({
      name: dto.name,
      role: dto.role,
      tokenHash: hash,
      createdBy: creator.kind === 'user' ? creator.id : null,
      expiresAt,
    });
    return { id: row.id, name: row.name, role: row.role, token, createdAt: row.createdAt.toISOString(), expiresAt: row.expiresAt?.toISOString() ?? null };
  }

  async listApiTokens(limit: number, cursor?: string): Promise<Page<ApiTokenDto>> {
    const key = decodeCursor(cursor, 2) as [string, string] | undefined;
    const rows = await this.apiTokens.listPage(limit + 1, key && { createdAt: key[0], id: key[1] });
    const now = Date.now();
    return toPage(
      rows,
      limit,
      (row): ApiTokenDto => ({
        id: row.id,
        name: row.name,
        role: row.role,
        createdBy: row.createdBy,
        createdAt: row.createdAt.toISOString(),
        expiresAt: row.expiresAt?.toISOString() ?? null,
        revokedAt: row.revokedAt?.toISOString() ?? null,
        active: !row.revokedAt && (!row.expiresAt || row.expiresAt.getTime() > now),
      }),
      (row) => [row.createdAt.toISOString(), row.id],
    );
  }

  /** Revokes at once (every request looks the token up); revoking a revoked token changes nothing. */
  async revokeApiToken(id: string): Promise<void> {
    if (!(await this.apiTokens.revoke(id))) throw new NotFoundError('API token', id);
  }
}
