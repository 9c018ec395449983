import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiConflictResponse, ApiNotFoundResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../../../common/auth/access.decorators';
import { Principal, Role } from '../../../common/auth/role';
import { Page } from '../../../common/pagination/page';
import { PutSyncConfigDto, SyncConfigDto } from './dto/sync-config.dto';
import { ListSyncRunsQueryDto, StartedSyncRunDto, SyncRunDto, SyncRunSummaryDto } from './dto/sync-run.dto';
import { SyncConfigService } from './sync-config.service';
import { SyncService } from './sync.service';

@ApiTags('sync')
@Controller('api/v1/sync')
export class SyncController {
  constructor(
    private readonly sync: SyncService,
    private readonly syncConfig: SyncConfigService,
  ) {}

  @Get('config')
  @Roles(Role.Admin)
  getConfig(): Promise<SyncConfigDto> {
    return this.syncConfig.get();
  }

  @Put('config')
  @Roles(Role.Admin)
  putConfig(@Body() dto: PutSyncConfigDto, @CurrentPrincipal() principal: Principal): Promise<SyncConfigDto> {
    return this.syncConfig.put(dto, principal);
  }

  @Post('runs')
  @Roles(Role.Admin)
  @HttpCode(202)
  @ApiAcceptedResponse({ type: StartedSyncRunDto })
  @ApiConflictResponse({ description: 'a run is already queued or running (`activeRunId`), or no upstream is configured' })
  startRun(@CurrentPrincipal() principal: Principal): Promise<StartedSyncRunDto> {
    return this.sync.startManualRun(principal);
  }

  @Get('runs')
  @Roles(Role.Admin, Role.Auditor)
  listRuns(@Query() query: ListSyncRunsQueryDto): Promise<Page<SyncRunSummaryDto>> {
    return this.sync.list(query.limit ?? 100, query.cursor, query.status);
  }

  @Get('runs/:id')
  @Roles(Role.Admin, Role.Auditor)
  @ApiNotFoundResponse()
  getRun(@Param('id', new ParseUUIDPipe()) id: string): Promise<SyncRunDto> {
    return this.sync.get(id);
  }
}
