import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogController } from './catalog.controller';
import { CatalogRepository } from './catalog.repository';
import { CatalogService } from './catalog.service';
import { ProductEntity } from './entities/product.entity';
import { UpdateRevisionEntity } from './entities/update-revision.entity';
import { UpdateEntity } from './entities/update.entity';

@Module({
  imports: [TypeOrmModule.forFeature([UpdateEntity, UpdateRevisionEntity, ProductEntity])],
  controllers: [CatalogController],
  providers: [CatalogRepository, CatalogService],
  exports: [CatalogRepository, CatalogService],
})
export class CatalogModule {}
