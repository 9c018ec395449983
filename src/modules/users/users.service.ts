import { randomBytes } from 'node:crypto';
import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import { Principal, Role } from '../../common/auth/role';
import { ConflictError, DomainError, NotFoundError } from '../../common/errors/domain-error';
import { decodeCursor, Page, toPage } from '../../common/pagination/page';
import { AppConfig } from '../../infra/config/app-config';
import { RateLimits } from '../../infra/rate-limit/rate-limits.service';
import { RequestOrigin } from '../audit/events/audit-event';
import { hashPassword, verifyPassword } from './password-hasher';
import { ChangeOwnPasswordDto, CreateUserDto, UpdateUserDto, UserDto } from './dto/create-user.dto';
import { UserEntity } from './entities/user.entity';
import { UsersRepository } from './users.repository';

export interface FirstAdmin {
  username: string;
  /** Present only when the password was generated here and must be shown once. */
  generatedPassword?: string;
}

const toDto = (user: UserEntity): UserDto => ({
  id: user.id,
  username: user.username,
  role: user.role,
  createdAt: user.createdAt.toISOString(),
  disabledAt: user.disabledAt?.toISOString() ?? null,
});

@Injectable()
export class UsersService {
  private readonly logger = new Logger(UsersService.name);

  constructor(
    private readonly users: UsersRepository,
    private readonly config: AppConfig,
    private readonly limits: RateLimits,
  ) {}

  async create(dto: CreateUserDto): Promise<UserDto> {
    if (await this.users.findActiveByUsername(dto.username)) {
      throw new ConflictError('username_taken', `a user named ${dto.username} exists`);
    }
    const user = await this.users.insert({ username: dto.username, role: dto.role, passwordHash: await hashPassword(dto.password) });
    return toDto(user);
  }

  async list(limit: number, cursor?: string): Promise<Page<UserDto>> {
    const [after] = (decodeCursor(cursor, 1) ?? []) as string[];
    const rows = await this.users.listPage(limit + 1, after);
    return toPage(rows, limit, toDto, (u) => [u.username]);
  }

  /**
   * Changes a user's role or enables/disables them. The last enabled admin can be neither demoted
   * nor disabled (409), so the server always keeps someone who can manage it.
   */
  async update(id: string, dto: UpdateUserDto): Promise<UserDto> {
    await this.users.changeLocked(async (manager, enabledAdmins) => {
      const user = await manager.findOneBy(UserEntity, { id });
      if (!user) throw new NotFoundError('user', id);
      const losesAdmin = user.role === Role.Admin && !user.disabledAt && ((dto.role !== undefined && dto.role !== Role.Admin) || dto.disabled === true);
      if (losesAdmin && enabledAdmins <= 1) throw new ConflictError('last_admin', 'the last enabled admin can be neither demoted nor disabled');
      await this.users.update(id, dto, manager);
    });
    return toDto((await this.users.findById(id))!);
  }

  /** An admin sets a user's password; the user's sessions end. */
  async setPassword(id: string, password: string): Promise<void> {
    if (!(await this.users.findById(id))) throw new NotFoundError('user', id);
    await this.users.setPassword(id, await hashPassword(password));
  }

  /**
   * A user changes their own password, proving the current one. Wrong guesses count against the
   * login limits (a stolen session cannot be used to guess the password), and sessions end.
   */
  async changeOwnPassword(principal: Principal, dto: ChangeOwnPasswordDto, origin?: RequestOrigin): Promise<void> {
    if (principal.kind !== 'user') throw new DomainError('not_a_user', HttpStatus.FORBIDDEN, 'API tokens have no password');
    const user = await this.users.findActiveById(principal.id);
    if (!user) throw new NotFoundError('user', principal.id);
    const ip = origin?.clientIp ?? null;
    await this.limits.countLoginAttempt(user.username, ip);
    let valid: boolean;
    try {
      valid = await verifyPassword(dto.currentPassword, user.passwordHash);
    } catch (error) {
      await this.limits.loginUndecided(user.username, ip).catch(() => undefined);
      throw error;
    }
    if (!valid) throw new DomainError('wrong_password', HttpStatus.FORBIDDEN, 'the current password is wrong');
    await this.limits.loginSucceeded(user.username, ip);
    await this.users.setPassword(user.id, await hashPassword(dto.password));
  }

  /** Makes the first admin when no user exists (never otherwise), from config or a generated password. */
  async ensureFirstAdmin(): Promise<FirstAdmin | null> {
    const generatedPassword = this.config.adminPassword ? undefined : randomBytes(18).toString('base64url');
    const password = this.config.adminPassword ?? generatedPassword!;
    const passwordHash = await hashPassword(password);
    const created = await this.users.createIfNoUsers((manager) =>
      this.users.insert({ username: this.config.adminUser, role: Role.Admin, passwordHash }, manager),
    );
    if (!created) return null;
    this.logger.log(`created the first admin user "${created.username}"`);
    return { username: created.username, generatedPassword };
  }
}
