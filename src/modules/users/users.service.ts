import { randomBytes } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { Role } from '../../common/auth/role';
import { ConflictError } from '../../common/errors/domain-error';
import { decodeCursor, Page, toPage } from '../../common/pagination/page';
import { AppConfig } from '../../infra/config/app-config';
import { hashPassword } from './password-hasher';
import { CreateUserDto, UserDto } from './dto/create-user.dto';
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
});

@Injectable()
export class UsersService {
  private readonly logger = new Logger(UsersService.name);

  constructor(
    private readonly users: UsersRepository,
    private readonly config: AppConfig,
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
