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
