import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ServerSettingsEntity, TargetingMode } from './entities/server-settings.entity';

const ROW_ID = 1;

@Injectable()
export class SettingsRepository {
  constructor(@InjectRepository(ServerSettingsEntity) private readonly settings: Repository<ServerSettingsEntity>) {}

  /** The row is created by the migration, so it always exists. */
  async findSettings(): Promise<ServerSettingsEntity> {
    return this.settings.findOneByOrFail({ id: ROW_ID });
  }

  async saveSettings(
    change: Partial<{ targetingMode: TargetingMode; checkInSeconds: number; staleAfterDays: number }>,
    by: string,
  ): Promise<ServerSettingsEntity> {
    await this.settings.update({ id: ROW_ID }, { ...change, updatedBy: by, updatedAt: () => 'now()' });
    return this.findSettings();
  }
}
