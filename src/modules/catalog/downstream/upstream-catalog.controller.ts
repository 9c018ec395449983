import { Controller, Get, Header, Query, UseGuards } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Public } from '../../../common/auth/access.decorators';
import { DownstreamTokenGuard } from './downstream-token.guard';
import { UpstreamCatalogPageDto, UpstreamCatalogQueryDto } from './dto/upstream-catalog.dto';
import { UpstreamCatalogService } from './upstream-catalog.service';

/** Downstream Patchgate servers sync from here, with a downstream token. */
@ApiTags('downstream servers')
@Controller('upstream/v1')
@Public()
@UseGuards(DownstreamTokenGuard)
export class UpstreamCatalogController {
  constructor(private readonly catalog: UpstreamCatalogService) {}

  @Get('catalog')
  @Header('content-type', 'application/json; charset=utf-8')
  @ApiBearerAuth()
  @ApiOkResponse({ type: UpstreamCatalogPageDto })
  @ApiBadRequestResponse({ description: 'bad limit, or a cursor this server does not accept' })
  @ApiUnauthorizedResponse({ description: 'missing or revoked downstream token' })
  catalogPage(@Query() query: UpstreamCatalogQueryDto): Promise<string> {
    return this.catalog.page(query.since, query.limit);
  }
}
