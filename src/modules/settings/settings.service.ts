import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Principal } from '../../common/auth/role';
import { UnitOfWork } from '../../infra/database/unit-of-work';
import { OfferVersionsService } from '../offer-versions/offer-versions.service';
import { ServerSettingsDto, UpdateServerSettingsDto } from './dto/server-settings.dto';
import { ServerSettingsEntity } from './entities/server-settings.entity';
import { SettingsRepository } from './settings.repository';

const toDto = (s: ServerSettingsEntity): ServerSettingsDto => ({
  targetingMode: s.targetingMode,
  checkInSeconds: s.checkInSeconds,
  staleAfterDays: s.staleAfterDays,
  approveNewRevisions: s.approveNewRevisions,
  updatedAt: s.updatedAt.toISOString(),
  updatedBy: s.updatedBy,
});

/**
 * Server settings live in PostgreSQL, not the environment: every replica reads the same values
 * and an admin changes them without a restart.
 */
@Injectable()
export class SettingsService {
  constructor(
    private readonly settings: SettingsRepository,
    private readonly offerVersions: OfferVersionsService,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  current(): Promise<ServerSettingsEntity> {
    return this.settings.findSettings();
  }

  async checkInIntervalSeconds(): Promise<number> {
    return (await this.settings.findSettings()).checkInSeconds;
  }

  /** Whether a new revision of an approved update keeps its approvals; read in `manager`'s transaction. */
  approveNewRevisions(manager: EntityManager): Promise<boolean> {
    return this.settings.approveNewRevisions(manager);
  }

  async get(): Promise<ServerSettingsDto> {
    return toDto(await this.settings.findSettings());
  }

  async update(dto: UpdateServerSettingsDto, actor: Principal): Promise<ServerSettingsDto> {
    const saved = await this.unitOfWork.run(async (tx) => {
      // The check-in interval is part of every signed answer.
      tx.afterCommit(() => this.offerVersions.bumpSettings());
      return this.settings.saveSettings(dto, actor.name, tx.manager);
    });
    return toDto(saved);
  }
}
