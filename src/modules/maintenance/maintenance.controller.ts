import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiConflictResponse, ApiNotFoundResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../../common/auth/access.decorators';
import { Principal, Role } from '../../common/auth/role';
import { Page, PageQueryDto } from '../../common/pagination/page';
import { MaintenanceConfigDto, PutMaintenanceConfigDto } from './dto/maintenance-config.dto';
import { MaintenanceRunDto, StartedMaintenanceRunDto } from './dto/maintenance-run.dto';
import { MaintenanceService } from './maintenance.service';

@ApiTags('maintenance')
@Controller('api/v1/maintenance')
export class MaintenanceController {
  constructor(private readonly maintenance: MaintenanceService) {}

  @Get('config')
  @Roles(Role.Admin)
  getConfig(): Promise<MaintenanceConfigDto> {
    return this.maintenance.getConfig();
  }

  @Put('config')
  @Roles(Role.Admin)
  putConfig(@Body() dto: PutMaintenanceConfigDto, @CurrentPrincipal() principal: Principal): Promise<MaintenanceConfigDto> {
    return this.maintenance.putConfig(dto, principal);
  }

  @Post('runs')
  @Roles(Role.Admin)
  @HttpCode(202)
  @ApiAcceptedResponse({ type: StartedMaintenanceRunDto })
  @ApiConflictResponse({ description: 'a run is already queued or running (`activeRunId`)' })
  startRun(@CurrentPrincipal() principal: Principal): Promise<StartedMaintenanceRunDto> {
    return this.maintenance.startManualRun(principal);
  }

  @Get('runs')
  @Roles(Role.Admin, Role.Auditor)
  listRuns(@Query() query: PageQueryDto): Promise<Page<MaintenanceRunDto>> {
    return this.maintenance.list(query.limit ?? 100, query.cursor);
  }

  @Get('runs/:id')
  @Roles(Role.Admin, Role.Auditor)
  @ApiNotFoundResponse()
  getRun(@Param('id', new ParseUUIDPipe()) id: string): Promise<MaintenanceRunDto> {
    return this.maintenance.get(id);
  }
}
