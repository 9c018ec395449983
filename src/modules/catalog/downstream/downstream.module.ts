import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DownstreamTokenGuard } from './downstream-token.guard';
import { DownstreamTokensRepository } from './downstream-tokens.repository';
import { DownstreamTokensService } from './downstream-tokens.service';
import { DownstreamTokenEntity } from './entities/downstream-token.entity';
import { UpstreamCatalogRepository } from './upstream-catalog.repository';
import { UpstreamCatalogService } from './upstream-catalog.service';

/** This server as the upstream of others (branch offices): downstream tokens and /upstream/v1/catalog. */
@Module({
  imports: [TypeOrmModule.forFeature([DownstreamTokenEntity])],
  providers: [DownstreamTokensRepository, DownstreamTokensService, DownstreamTokenGuard, UpstreamCatalogRepository, UpstreamCatalogService],
  exports: [DownstreamTokensService, DownstreamTokenGuard, UpstreamCatalogService],
})
export class DownstreamModule {}
