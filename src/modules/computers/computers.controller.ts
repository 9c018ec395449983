import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Put, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiNotFoundResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../common/auth/access.decorators';
import { ALL_ROLES, Role } from '../../common/auth/role';
import { Page } from '../../common/pagination/page';
import { ComputersService } from './computers.service';
import { AssignGroupDto, ComputerDetailDto, ComputerDto, ListComputersQueryDto } from './dto/computer.dto';
import { EffectiveApprovalsDto, EffectiveApprovalsQueryDto } from './dto/effective-approvals.dto';

@ApiTags('computers')
@Controller('api/v1/computers')
export class ComputersController {
  constructor(private readonly computers: ComputersService) {}

  @Get()
  @Roles(...ALL_ROLES)
  list(@Query() query: ListComputersQueryDto): Promise<Page<ComputerDto>> {
    return this.computers.list(query);
  }

  @Get(':id')
  @Roles(...ALL_ROLES)
  @ApiNotFoundResponse()
  get(@Param('id', new ParseUUIDPipe()) id: string): Promise<ComputerDetailDto> {
    return this.computers.get(id);
  }

  /** The decision the computer inherits for each update with a decision somewhere on its group path. */
  @Get(':id/effective-approvals')
  @Roles(...ALL_ROLES)
  @ApiNotFoundResponse()
  effectiveApprovals(@Param('id', new ParseUUIDPipe()) id: string, @Query() query: EffectiveApprovalsQueryDto): Promise<EffectiveApprovalsDto> {
    return this.computers.effectiveApprovals(id, { updateId: query.updateId, limit: query.limit ?? 100, cursor: query.cursor });
  }

  @Put(':id/group')
  @Roles(Role.Admin)
  @ApiNotFoundResponse({ description: 'unknown (or deleted) computer, or unknown group' })
  @ApiConflictResponse({ description: 'All Computers holds no computers directly' })
  assignGroup(@Param('id', new ParseUUIDPipe()) id: string, @Body() dto: AssignGroupDto): Promise<ComputerDetailDto> {
    return this.computers.assignGroup(id, dto.groupId);
  }

  /** Revokes the computer's token; it must register again to get offers. */
  @Delete(':id')
  @Roles(Role.Admin)
  @HttpCode(204)
  @ApiNotFoundResponse()
  async delete(@Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    await this.computers.revoke(id);
  }
}
