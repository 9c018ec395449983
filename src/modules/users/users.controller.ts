import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Roles } from '../../common/auth/access.decorators';
import { Role } from '../../common/auth/role';
import { Page, PageQueryDto } from '../../common/pagination/page';
import { CreateUserDto, UserDto } from './dto/create-user.dto';
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
}
