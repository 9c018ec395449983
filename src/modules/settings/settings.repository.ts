import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { ServerSettingsEntity, TargetingMode } from './entities/server-settings.entity';

const ROW_ID = 1;

@Injectable()
export class SettingsRepository {
  constructor(@InjectRepository(ServerSettingsEntity) private readonly settings: Repository<ServerSettingsEntity>) {}

  /** The row is created by the migration, so it always exists. */
  async findSettings(manager: EntityManager = this.settings.manager): Promise<ServerSettingsEntity> {
    return manager.findOneByOrFail(ServerSettingsEntity, { id: ROW_ID });
  }

  async saveSettings(
    change: Partial<{ targetingMode: TargetingMode; checkInSeconds: number; staleAfterDays: number }>,
    by: string,
    manager: EntityManager = this.settings.manager,
  ): Promise<ServerSettingsEntity> {
    await manager.update(ServerSettingsEntity, { id: ROW_ID }, { ...change, updatedBy: by, updatedAt: () => 'now()' });
    return this.findSettings(manager);
  }
}
