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

  /** Read in the caller's transaction (the sync's, when it decides what a new revision does to approvals). */
  async approveNewRevisions(manager: EntityManager): Promise<boolean> {
    const [row]: { approve_new_revisions: boolean }[] = await manager.query('SELECT approve_new_revisions FROM server_settings WHERE id = $1', [ROW_ID]);
    return row.approve_new_revisions;
  }

  async saveSettings(
    change: Partial<{ targetingMode: TargetingMode; checkInSeconds: number; staleAfterDays: number; approveNewRevisions: boolean }>,
    by: string,
    manager: EntityManager = this.settings.manager,
  ): Promise<ServerSettingsEntity> {
    await manager.update(ServerSettingsEntity, { id: ROW_ID }, { ...change, updatedBy: by, updatedAt: () => 'now()' });
    return this.findSettings(manager);
  }
}
