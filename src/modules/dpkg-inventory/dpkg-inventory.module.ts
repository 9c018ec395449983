import { Module } from '@nestjs/common';
import { DpkgInventoryRepository } from './dpkg-inventory.repository';
import { DpkgInventoryService } from './dpkg-inventory.service';

/** The installed binary packages apt machines report (POST /client/v1/checkin, inventory.packages). */
@Module({
  providers: [DpkgInventoryRepository, DpkgInventoryService],
  exports: [DpkgInventoryService],
})
export class DpkgInventoryModule {}
