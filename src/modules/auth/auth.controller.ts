import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Req } from '@nestjs/common';
import { ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { FastifyRequest } from 'fastify';
import { CurrentPrincipal, Public, Roles } from '../../common/auth/access.decorators';
import { Principal, Role } from '../../common/auth/role';
import { originOf } from '../audit/events/audit-request';
import { AuthService } from './auth.service';
import { Page, PageQueryDto } from '../../common/pagination/page';
import { ApiTokenDto, CreateApiTokenDto, CreatedApiTokenDto } from './dto/create-api-token.dto';
import { LoginDto, LoginResponseDto } from './dto/login.dto';

@ApiTags('auth')
@Controller('api/v1')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('auth/login')
  @Public()
  @HttpCode(200)
  @ApiOkResponse({ type: LoginResponseDto })
  @ApiUnauthorizedResponse({ description: 'username or password is wrong' })
  login(@Body() dto: LoginDto, @Req() request: FastifyRequest): Promise<LoginResponseDto> {
    return this.auth.login(dto.username, dto.password, originOf(request));
  }

  @Post('api-tokens')
  @Roles(Role.Admin)
  @HttpCode(201)
  createApiToken(@Body() dto: CreateApiTokenDto, @CurrentPrincipal() principal: Principal): Promise<CreatedApiTokenDto> {
    return this.auth.createApiToken(dto, principal);
  }

  @Get('api-tokens')
  @Roles(Role.Admin)
  listApiTokens(@Query() query: PageQueryDto): Promise<Page<ApiTokenDto>> {
    return this.auth.listApiTokens(query.limit ?? 100, query.cursor);
  }

  @Delete('api-tokens/:id')
  @Roles(Role.Admin)
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'revoked (also when it was already)' })
  @ApiNotFoundResponse()
  async revokeApiToken(@Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    await this.auth.revokeApiToken(id);
  }
}
