import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../../../common/auth/access.decorators';
import { Principal, Role } from '../../../common/auth/role';
import { Page, PageQueryDto } from '../../../common/pagination/page';
import { DownstreamTokensService } from './downstream-tokens.service';
import { CreatedDownstreamTokenDto, CreateDownstreamTokenDto, DownstreamTokenDto } from './dto/downstream-token.dto';

@ApiTags('downstream servers')
@Controller('api/v1/downstream-tokens')
@Roles(Role.Admin)
export class DownstreamTokensController {
  constructor(private readonly tokens: DownstreamTokensService) {}

  @Post()
  @HttpCode(201)
  create(@Body() dto: CreateDownstreamTokenDto, @CurrentPrincipal() principal: Principal): Promise<CreatedDownstreamTokenDto> {
    return this.tokens.create(dto, principal);
  }

  @Get()
  list(@Query() query: PageQueryDto): Promise<Page<DownstreamTokenDto>> {
    return this.tokens.list(query.limit ?? 100, query.cursor);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNotFoundResponse()
  revoke(@Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    return this.tokens.revoke(id);
  }
}
