import { Controller, Get, Header, Query, Req, UseGuards } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { FastifyRequest } from 'fastify';
import { Public } from '../../../common/auth/access.decorators';
import { AppConfig } from '../../../infra/config/app-config';
import { DownstreamTokenGuard } from './downstream-token.guard';
import { UpstreamCatalogPageDto, UpstreamCatalogQueryDto } from './dto/upstream-catalog.dto';
import { UpstreamCatalogService } from './upstream-catalog.service';

/** Downstream Patchgate servers sync from here, with a downstream token. */
@ApiTags('downstream servers')
@Controller('upstream/v1')
@Public()
@UseGuards(DownstreamTokenGuard)
export class UpstreamCatalogController {
  constructor(
    private readonly catalog: UpstreamCatalogService,
    private readonly config: AppConfig,
  ) {}

  @Get('catalog')
  @Header('content-type', 'application/json; charset=utf-8')
  @ApiBearerAuth()
  @ApiOkResponse({ type: UpstreamCatalogPageDto })
  @ApiBadRequestResponse({ description: 'bad limit, or a cursor this server does not accept' })
  @ApiUnauthorizedResponse({ description: 'missing or revoked downstream token' })
  catalogPage(@Query() query: UpstreamCatalogQueryDto, @Req() request: FastifyRequest): Promise<string> {
    // Where the downstream reaches this server, for the URLs of the files it takes from here.
    const baseUrl = this.config.content.publicUrl ?? `${request.protocol}://${request.host}`;
    return this.catalog.page(query.since, query.limit, baseUrl);
  }
}
