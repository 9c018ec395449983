import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiNotFoundResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../../common/auth/access.decorators';
import { ALL_ROLES, Principal, Role } from '../../common/auth/role';
import { Page, PageQueryDto } from '../../common/pagination/page';
import { CreateGroupDto, GroupDto, UpdateGroupDto } from './dto/group.dto';
import { GroupsService } from './groups.service';

@ApiTags('groups')
@Controller('api/v1/groups')
export class GroupsController {
  constructor(private readonly groups: GroupsService) {}

  /** Every group, shallow first; build the tree from parentId. */
  @Get()
  @Roles(...ALL_ROLES)
  list(@Query() query: PageQueryDto): Promise<Page<GroupDto>> {
    return this.groups.list(query.limit ?? 100, query.cursor);
  }

  @Get(':id')
  @Roles(...ALL_ROLES)
  @ApiNotFoundResponse()
  get(@Param('id', new ParseUUIDPipe()) id: string): Promise<GroupDto> {
    return this.groups.get(id);
  }

  @Post()
  @Roles(Role.Admin)
  @HttpCode(201)
  @ApiNotFoundResponse({ description: 'the parent does not exist' })
  @ApiConflictResponse({ description: 'a sibling has that name, or the parent cannot have subgroups' })
  create(@Body() dto: CreateGroupDto): Promise<GroupDto> {
    return this.groups.create(dto);
  }

  @Patch(':id')
  @Roles(Role.Admin)
  @ApiNotFoundResponse()
  @ApiConflictResponse({ description: 'built-in group, name taken, or a move under its own subtree' })
  update(@Param('id', new ParseUUIDPipe()) id: string, @Body() dto: UpdateGroupDto): Promise<GroupDto> {
    return this.groups.update(id, dto);
  }

  @Delete(':id')
  @Roles(Role.Admin)
  @HttpCode(204)
  @ApiNotFoundResponse()
  @ApiConflictResponse({ description: 'built-in group, or the group still has subgroups, computers or enrollment keys' })
  async delete(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() principal: Principal): Promise<void> {
    await this.groups.delete(id, principal);
  }
}
