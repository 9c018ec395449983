import { Controller, Get, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../common/auth/access.decorators';
import { ALL_ROLES } from '../../common/auth/role';
import { NotFoundError } from '../../common/errors/domain-error';
import { AptDependencyService } from './dependencies/apt-dependency.service';
import { AptDependenciesDto, AptDependenciesQueryDto } from './dto/apt-dependencies.dto';

@ApiTags('apt')
@Controller('api/v1/apt/dependencies')
@Roles(...ALL_ROLES)
export class AptDependenciesController {
  constructor(private readonly dependencies: AptDependencyService) {}

  /**
   * Whether the group's computers could install an APT update with what the group approves, as
   * apt itself says (its resolver, against the candidate publication): docs/debian.md,
   * "Dependencies".
   */
  @Get()
  @ApiNotFoundResponse({ description: 'not an APT update, or no such group' })
  async check(@Query() query: AptDependenciesQueryDto): Promise<AptDependenciesDto> {
    const report = await this.dependencies.check(query.updateId, query.groupId);
    if (!report) throw new NotFoundError('APT update', query.updateId);
    return report;
  }
}
