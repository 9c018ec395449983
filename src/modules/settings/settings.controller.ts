import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../../common/auth/access.decorators';
import { ALL_ROLES, Principal, Role } from '../../common/auth/role';
import { ServerSettingsDto, UpdateServerSettingsDto } from './dto/server-settings.dto';
import { SettingsService } from './settings.service';

@ApiTags('settings')
@Controller('api/v1/settings')
export class SettingsController {
  constructor(private readonly settings: SettingsService) {}

  @Get()
  @Roles(...ALL_ROLES)
  get(): Promise<ServerSettingsDto> {
    return this.settings.get();
  }

  @Put()
  @Roles(Role.Admin)
  update(@Body() dto: UpdateServerSettingsDto, @CurrentPrincipal() principal: Principal): Promise<ServerSettingsDto> {
    return this.settings.update(dto, principal);
  }
}
