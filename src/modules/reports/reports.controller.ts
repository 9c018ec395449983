import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../common/auth/access.decorators';
import { ALL_ROLES, Role } from '../../common/auth/role';
import { ParseUpdateIdPipe } from '../catalog/update-id.pipe';
import { ComputerReportDto, GroupReportDto, RecountDto, UpdateReportDto, UpdateReportQueryDto } from './dto/report.dto';
import { ReportsService } from './reports.service';

@ApiTags('reports')
@Controller('api/v1/reports')
@Roles(...ALL_ROLES)
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Get('updates/:updateId')
  @ApiNotFoundResponse()
  update(@Param('updateId', ParseUpdateIdPipe) updateId: string, @Query() query: UpdateReportQueryDto): Promise<UpdateReportDto> {
    return this.reports.updateReport(updateId, query.groupId);
  }

  @Get('groups/:groupId')
  @ApiNotFoundResponse()
  group(@Param('groupId', new ParseUUIDPipe()) groupId: string): Promise<GroupReportDto> {
    return this.reports.groupReport(groupId);
  }

  /** Recounts the compliance counters from the stored states and says whether they were exact. */
  @Post('recount')
  @Roles(Role.Admin)
  @HttpCode(200)
  recount(): Promise<RecountDto> {
    return this.reports.recount();
  }

  @Get('computers/:id')
  @ApiNotFoundResponse()
  computer(@Param('id', new ParseUUIDPipe()) id: string): Promise<ComputerReportDto> {
    return this.reports.computerReport(id);
  }
}
