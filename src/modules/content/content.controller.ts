import { Body, Controller, Get, Put, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../../common/auth/access.decorators';
import { ALL_ROLES, Principal, Role } from '../../common/auth/role';
import { ContentService } from './content.service';
import { ContentConfigDto, ContentStatusDto, ContentStatusQueryDto, SetContentConfigDto } from './dto/content.dto';

@ApiTags('content')
@Controller('api/v1/content')
export class ContentController {
  constructor(private readonly content: ContentService) {}

  @Get('config')
  @Roles(...ALL_ROLES)
  @ApiOkResponse({ type: ContentConfigDto })
  getConfig(): Promise<ContentConfigDto> {
    return this.content.getConfig();
  }

  /** Switching to a storing mode enqueues the downloads it now needs. */
  @Put('config')
  @Roles(Role.Admin)
  @ApiOkResponse({ type: ContentConfigDto })
  setConfig(@Body() dto: SetContentConfigDto, @CurrentPrincipal() principal: Principal): Promise<ContentConfigDto> {
    return this.content.setMode(dto.mode, principal);
  }

  @Get('status')
  @Roles(...ALL_ROLES)
  @ApiOkResponse({ type: ContentStatusDto })
  status(@Query() query: ContentStatusQueryDto): Promise<ContentStatusDto> {
    return this.content.status(query.failureLimit ?? 100);
  }
}
