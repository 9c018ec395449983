import { HttpStatus, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Principal } from '../../common/auth/role';
import { hashSecretToken, newSecretToken } from '../../common/auth/secret-token';
import { ConflictError, DomainError, NotFoundError } from '../../common/errors/domain-error';
import { decodeCursor, Page, toPage } from '../../common/pagination/page';
import { ALL_COMPUTERS_GROUP_ID, UNASSIGNED_COMPUTERS_GROUP_ID } from '../groups/built-in-groups';
import { ComputerGroupEntity } from '../groups/entities/computer-group.entity';
import { GroupsRepository } from '../groups/groups.repository';
import { SettingsService } from '../settings/settings.service';
import { SigningKeyService } from '../signing/signing-key.service';
import { COMPUTER_TOKEN_PREFIX, ENROLLMENT_KEY_PREFIX } from '../../common/auth/computer-principal';
import { ComputersRepository } from './computers.repository';
import { CreatedEnrollmentKeyDto, CreateEnrollmentKeyDto, EnrollmentKeyDto, EnrollmentKeyState } from './dto/enrollment-key.dto';
import { RegisterComputerDto, RegisteredComputerDto } from './dto/register-computer.dto';
import { EnrollmentKeysRepository, EnrollmentKeyWithGroup } from './enrollment-keys.repository';

const stateOf = (key: EnrollmentKeyWithGroup['key'], now = Date.now()): EnrollmentKeyState => {
  if (key.revokedAt) return 'revoked';
  if (key.expiresAt && key.expiresAt.getTime() <= now) return 'expired';
  if (key.maxUses !== null && key.useCount >= key.maxUses) return 'exhausted';
  return 'active';
};

const toKeyDto = ({ key, groupName }: EnrollmentKeyWithGroup): EnrollmentKeyDto => ({
  id: key.id,
  name: key.name,
  groupId: key.groupId,
  groupName,
  expiresAt: key.expiresAt?.toISOString() ?? null,
  maxUses: key.maxUses,
  useCount: key.useCount,
  state: stateOf(key),
  createdBy: key.createdBy,
  createdAt: key.createdAt.toISOString(),
  revokedAt: key.revokedAt?.toISOString() ?? null,
});

const REJECTIONS = {
  unknown: 'the enrollment key is not known',
  revoked: 'the enrollment key was revoked',
  expired: 'the enrollment key has expired',
  exhausted: 'the enrollment key has been used as many times as it allows',
};

/** Enrollment keys and the registration of computers with them. */
@Injectable()
export class EnrollmentService {
  constructor(
    private readonly keys: EnrollmentKeysRepository,
    private readonly computers: ComputersRepository,
    private readonly groups: GroupsRepository,
    private readonly settings: SettingsService,
    private readonly signing: SigningKeyService,
    private readonly dataSource: DataSource,
  ) {}

  async createKey(dto: CreateEnrollmentKeyDto, actor: Principal): Promise<CreatedEnrollmentKeyDto> {
    const expiresAt = dto.expiresAt ? new Date(dto.expiresAt) : null;
    if (expiresAt && expiresAt.getTime() <= Date.now()) {
      throw new DomainError('expiry_in_past', HttpStatus.BAD_REQUEST, `expiresAt ${dto.expiresAt} is not in the future`);
    }
    const { token, hash } = newSecretToken(ENROLLMENT_KEY_PREFIX);
    const created = await this.dataSource.transaction(async (manager) => {
      if (dto.groupId) await this.memberGroup(manager, dto.groupId);
      return this.keys.insert(manager, {
        name: dto.name,
        keyHash: hash,
        groupId: dto.groupId?.toLowerCase() ?? null,
        expiresAt,
        maxUses: dto.maxUses ?? null,
        createdBy: actor.name,
      });
    });
    const withGroup = (await this.keys.findWithGroup(created.id))!;
    return { ...toKeyDto(withGroup), key: token };
  }

  async listKeys(limit: number, cursor?: string): Promise<Page<EnrollmentKeyDto>> {
    const [afterCreatedAt, afterId] = (decodeCursor(cursor, 2) ?? []) as string[];
    const rows = await this.keys.findPage(limit + 1, afterCreatedAt, afterId);
    return toPage(rows, limit, toKeyDto, (r) => [r.key.createdAt.toISOString(), r.key.id]);
  }

  /** Computers registered with the key keep working; only new registrations are refused. */
  async revokeKey(id: string): Promise<void> {
    if (await this.keys.revoke(id)) return;
    if (!(await this.keys.exists(id))) throw new NotFoundError('enrollment key', id);
  }

  /**
   * Registers a computer: one use of the key is counted and the computer made in one
   * transaction, so a refused or failed registration uses nothing. The token is returned once.
   */
  async register(dto: RegisterComputerDto): Promise<RegisteredComputerDto> {
    const keyHash = hashSecretToken(dto.enrollmentKey);
    const { token, hash } = newSecretToken(COMPUTER_TOKEN_PREFIX);
    const settings = await this.settings.current();
    const computer = await this.dataSource.transaction(async (manager) => {
      const key = dto.enrollmentKey.startsWith(`${ENROLLMENT_KEY_PREFIX}_`) ? await this.keys.consumeUse(manager, keyHash) : null;
      if (!key) throw await this.rejection(manager, keyHash);
      const group = await this.placement(manager, key.groupId, settings.targetingMode === 'client' ? dto.requestedGroup : undefined);
      return this.computers.insert(manager, {
        hostname: dto.hostname,
        osFamily: dto.os.family,
        osVersion: dto.os.version,
        arch: dto.arch,
        agentVersion: dto.agentVersion,
        groupId: group.id,
        requestedGroup: dto.requestedGroup ?? null,
        tokenHash: hash,
        enrollmentKeyId: key.id,
      });
    });
    return { computerId: computer.id, token, serverPublicKey: this.signing.activePublicKey(), checkInSeconds: settings.checkInSeconds };
  }

  /**
   * Where a new computer lands: the key's group; else, with client-side targeting, the group it
   * asked for (see GroupsRepository.findByRequestedName); else Unassigned Computers. The group row
   * is locked against deletion until the computer is in.
   */
  private async placement(manager: EntityManager, keyGroupId: string | null, requestedGroup: string | undefined): Promise<ComputerGroupEntity> {
    const candidates = [keyGroupId];
    if (!keyGroupId && requestedGroup) candidates.push((await this.groups.findByRequestedName(requestedGroup, manager))?.id ?? null);
    for (const id of candidates) {
      const group = id ? await this.groups.findByIdForMembership(manager, id) : null;
      if (group) return group;
    }
    return (await this.groups.findByIdForMembership(manager, UNASSIGNED_COMPUTERS_GROUP_ID))!;
  }

  /** A group computers can be members of, locked against deletion: any but the root. */
  private async memberGroup(manager: EntityManager, groupId: string): Promise<ComputerGroupEntity> {
    const group = await this.groups.findByIdForMembership(manager, groupId);
    if (!group) throw new NotFoundError('group', groupId);
    if (group.id === ALL_COMPUTERS_GROUP_ID) {
      throw new ConflictError('root_has_no_members', `${group.name} holds no computers directly: choose one of its groups`);
    }
    return group;
  }

  private async rejection(manager: EntityManager, keyHash: string): Promise<DomainError> {
    const reason = (await this.keys.findRejection(manager, keyHash)) ?? 'unknown';
    return new DomainError('enrollment_key_rejected', HttpStatus.UNAUTHORIZED, REJECTIONS[reason], { reason });
  }
}
