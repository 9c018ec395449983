import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../../common/auth/access.decorators';
import { Principal, Role } from '../../common/auth/role';
import { Page, PageQueryDto } from '../../common/pagination/page';
import { CreatedEnrollmentKeyDto, CreateEnrollmentKeyDto, EnrollmentKeyDto } from './dto/enrollment-key.dto';
import { EnrollmentService } from './enrollment.service';

@ApiTags('computers')
@Controller('api/v1/enrollment-keys')
@Roles(Role.Admin)
export class EnrollmentKeysController {
  constructor(private readonly enrollment: EnrollmentService) {}

  /** The key is in this answer only; the server keeps its hash. */
  @Post()
  @HttpCode(201)
  @ApiNotFoundResponse({ description: 'the group does not exist' })
  create(@Body() dto: CreateEnrollmentKeyDto, @CurrentPrincipal() principal: Principal): Promise<CreatedEnrollmentKeyDto> {
    return this.enrollment.createKey(dto, principal);
  }

  /** Keys without their secrets, newest first, with how often each was used. */
  @Get()
  list(@Query() query: PageQueryDto): Promise<Page<EnrollmentKeyDto>> {
    return this.enrollment.listKeys(query.limit ?? 100, query.cursor);
  }

  /** Revokes the key: no new registrations; registered computers keep working. */
  @Delete(':id')
  @HttpCode(204)
  @ApiNotFoundResponse()
  async revoke(@Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    await this.enrollment.revokeKey(id);
  }
}
