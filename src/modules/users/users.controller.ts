import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Put, Query, Req } from '@nestjs/common';
import { ApiConflictResponse, ApiForbiddenResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiTags } from '@nestjs/swagger';
import { FastifyRequest } from 'fastify';
import { CurrentPrincipal, Roles } from '../../common/auth/access.decorators';
import { ALL_ROLES, Principal, Role } from '../../common/auth/role';
import { Page, PageQueryDto } from '../../common/pagination/page';
import { originOf } from '../audit/events/audit-request';
import { ChangeOwnPasswordDto, CreateUserDto, SetPasswordDto, UpdateUserDto, UserDto } from './dto/create-user.dto';
import { UsersService } from './users.service';

@ApiTags('users')
@Controller('api/v1/users')
@Roles(Role.Admin)
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @HttpCode(201)
  create(@Body() dto: CreateUserDto): Promise<UserDto> {
    return this.users.create(dto);
  }

  @Get()
  list(@Query() query: PageQueryDto): Promise<Page<UserDto>> {
    return this.users.list(query.limit ?? 100, query.cursor);
  }

  /** Any signed-in user, for themselves: proves the current password; their sessions end. */
  @Put('me/password')
  @Roles(...ALL_ROLES)
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'changed; log in again' })
  @ApiForbiddenResponse({ description: 'the current password is wrong, or the caller is an API token' })
  async changeOwnPassword(@Body() dto: ChangeOwnPasswordDto, @CurrentPrincipal() principal: Principal, @Req() request: FastifyRequest): Promise<void> {
    await this.users.changeOwnPassword(principal, dto, originOf(request));
  }

  @Patch(':id')
  @ApiNotFoundResponse()
  @ApiConflictResponse({ description: 'the last enabled admin would be demoted or disabled' })
  update(@Param('id', new ParseUUIDPipe()) id: string, @Body() dto: UpdateUserDto): Promise<UserDto> {
    return this.users.update(id, dto);
  }

  @Put(':id/password')
  @HttpCode(204)
  @ApiNoContentResponse({ description: "set; the user's sessions end" })
  @ApiNotFoundResponse()
  async setPassword(@Param('id', new ParseUUIDPipe()) id: string, @Body() dto: SetPasswordDto): Promise<void> {
    await this.users.setPassword(id, dto.password);
  }
}
