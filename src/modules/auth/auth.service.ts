import { Injectable, UnauthorizedException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { hashSecretToken, newSecretToken } from '../../common/auth/secret-token';
import { Principal, Role } from '../../common/auth/role';
import { AppConfig } from '../../infra/config/app-config';
import { RateLimits } from '../../infra/rate-limit/rate-limits.service';
import { RequestOrigin } from '../audit/events/audit-event';
import { AuditTrail } from '../audit/events/audit-trail.service';
import { UsersRepository } from '../users/users.repository';
import { ApiTokensRepository } from './api-tokens.repository';
import { CreateApiTokenDto, CreatedApiTokenDto } from './dto/create-api-token.dto';
import { LoginResponseDto } from './dto/login.dto';
import { DECOY_HASH_PROMISE, verifyPassword } from '../users/password-hasher';

/** The claims Patchgate puts in its JWTs. */
export interface AccessTokenClaims {
  sub: string;
  username: string;
  role: Role;
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
    await this.limits.assertLoginAllowed(username, ip);
    const user = await this.users.findActiveByUsername(username);
    // Verify against a decoy when the user is unknown, so timing does not reveal usernames.
    const valid = await verifyPassword(password, user?.passwordHash ?? (await DECOY_HASH_PROMISE));
    if (!user || !valid) {
      await Promise.all([this.auditTrail.recordLogin(username, null, origin), this.limits.recordLoginFailure(username, ip)]);
      throw new UnauthorizedException({ code: 'invalid_credentials', message: 'username or password is wrong' });
    }
    await Promise.all([
      this.auditTrail.recordLogin(username, { type: 'user', id: user.id, name: user.username, role: user.role }, origin),
      this.limits.recordLoginSuccess(username),
    ]);
    const claims: AccessTokenClaims = { sub: user.id, username: user.username, role: user.role };
    return { accessToken: await this.jwt.signAsync(claims), expiresIn: this.config.jwtExpiresInSeconds };
  }

  /** A JWT stays valid only while its user exists, is enabled and keeps the role it was issued for. */
  async principalFromClaims(claims: AccessTokenClaims): Promise<Principal | null> {
    const user = await this.users.findActiveById(claims.sub);
    if (!user || user.role !== claims.role) return null;
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
    const { token, hash } = newSecretToken(API_TOKEN_PREFIX);
    const row = await this.apiTokens.insert({
      name: dto.name,
      role: dto.role,
      tokenHash: hash,
      createdBy: creator.kind === 'user' ? creator.id : null,
    });
    return { id: row.id, name: row.name, role: row.role, token, createdAt: row.createdAt.toISOString() };
  }
}
