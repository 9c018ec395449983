import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { Role } from '../../common/auth/role';
import { UserEntity } from './entities/user.entity';

/** Advisory-lock key that makes "create the first admin" happen once across replicas. */
const FIRST_ADMIN_LOCK_KEY = 7_453_002;

@Injectable()
export class UsersRepository {
  constructor(@InjectRepository(UserEntity) private readonly users: Repository<UserEntity>) {}

  findActiveById(id: string): Promise<UserEntity | null> {
    return this.users.createQueryBuilder('u').where('u.id = :id AND u.disabled_at IS NULL', { id }).getOne();
  }

  findActiveByUsername(username: string): Promise<UserEntity | null> {
    return this.users
      .createQueryBuilder('u')
      .where('lower(u.username) = lower(:username) AND u.disabled_at IS NULL', { username })
      .getOne();
  }

  findById(id: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ id });
  }

  /**
   * Applies `change` to the user in a transaction that holds the user-admin lock, so two admins
   * demoting or disabling each other at once cannot leave no enabled admin; `change` sees the
   * number of enabled admins.
   */
  changeLocked<T>(change: (manager: EntityManager, enabledAdmins: number) => Promise<T>): Promise<T> {
    return this.users.manager.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [FIRST_ADMIN_LOCK_KEY]);
      const [{ admins }] = await manager.query(`SELECT count(*)::int AS admins FROM users WHERE role = 'admin' AND disabled_at IS NULL`);
      return change(manager, admins as number);
    });
  }

  async update(id: string, change: { role?: Role; disabled?: boolean }, manager: EntityManager): Promise<void> {
    const set: Record<string, unknown> = {};
    if (change.role) set.role = change.role;
    if (change.disabled === true) set.disabledAt = () => 'COALESCE(disabled_at, now())';
    if (change.disabled === false) set.disabledAt = null;
    if (Object.keys(set).length) await manager.createQueryBuilder().update(UserEntity).set(set).where('id = :id', { id }).execute();
  }

  async setPassword(id: string, passwordHash: string): Promise<void> {
    await this.users.createQueryBuilder().update().set({ passwordHash, passwordChangedAt: () => 'now()' }).where('id = :id', { id }).execute();
  }

  listPage(limit: number, afterUsername?: string): Promise<UserEntity[]> {
    const query = this.users.createQueryBuilder('u').orderBy('u.username', 'ASC').take(limit);
    if (afterUsername) query.where('u.username > :after', { after: afterUsername });
    return query.getMany();
  }

  async insert(user: { username: string; passwordHash: string; role: Role }, manager?: EntityManager): Promise<UserEntity> {
    const repo = manager ? manager.getRepository(UserEntity) : this.users;
    return repo.save(repo.create(user));
  }

  /** Runs `create` only while no user exists, serialized so concurrent starts make one admin. */
  createIfNoUsers(create: (manager: EntityManager) => Promise<UserEntity>): Promise<UserEntity | null> {
    return this.users.manager.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [FIRST_ADMIN_LOCK_KEY]);
      const [{ exists }] = await manager.query('SELECT EXISTS (SELECT 1 FROM users) AS exists');
      return exists ? null : create(manager);
    });
  }
}
