import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApprovalLogModule } from '../approval-log/approval-log.module';
import { CatalogRepository } from './catalog.repository';
import { CatalogService } from './catalog.service';
import { ProductEntity } from './entities/product.entity';
import { UpdateRevisionEntity } from './entities/update-revision.entity';
import { UpdateEntity } from './entities/update.entity';

@Module({
  imports: [TypeOrmModule.forFeature([UpdateEntity, UpdateRevisionEntity, ProductEntity]), ApprovalLogModule],
  providers: [CatalogRepository, CatalogService],
  exports: [CatalogRepository, CatalogService],
})
export class CatalogModule {}
