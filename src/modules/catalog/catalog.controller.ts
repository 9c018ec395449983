import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiNotFoundResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../../common/auth/access.decorators';
import { ALL_ROLES, Principal, Role } from '../../common/auth/role';
import { Page } from '../../common/pagination/page';
import { CatalogService } from './catalog.service';
import { ListUpdatesQueryDto } from './dto/list-updates.dto';
import { DeclineDto, UndeclineDto, UpdateDetailDto, UpdateSummaryDto } from './dto/update.dto';
import { ParseUpdateIdPipe } from './update-id.pipe';

@ApiTags('catalog')
@Controller('api/v1/updates')
export class CatalogController {
  constructor(private readonly catalog: CatalogService) {}

  @Get()
  @Roles(...ALL_ROLES)
  list(@Query() query: ListUpdatesQueryDto): Promise<Page<UpdateSummaryDto>> {
    const { limit, cursor, ...filter } = query;
    return this.catalog.list(filter, limit ?? 100, cursor);
  }

  @Get(':updateId')
  @Roles(...ALL_ROLES)
  @ApiNotFoundResponse()
  get(@Param('updateId', ParseUpdateIdPipe) updateId: string): Promise<UpdateDetailDto> {
    return this.catalog.get(updateId);
  }

  @Post(':updateId/decline')
  @Roles(Role.Admin, Role.Approver)
  @HttpCode(200)
  @ApiNotFoundResponse()
  decline(
    @Param('updateId', ParseUpdateIdPipe) updateId: string,
    @Body() dto: DeclineDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<UpdateDetailDto> {
    return this.catalog.decline(updateId, dto.reason, principal);
  }

  @Delete(':updateId/decline')
  @Roles(Role.Admin, Role.Approver)
  @HttpCode(200)
  @ApiOperation({ summary: 'take a global decline back (reason required, logged); 409 when the update is not declined' })
  @ApiNotFoundResponse()
  @ApiConflictResponse()
  undecline(
    @Param('updateId', ParseUpdateIdPipe) updateId: string,
    @Body() dto: UndeclineDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<UpdateDetailDto> {
    return this.catalog.undecline(updateId, dto.reason, principal);
  }
}
