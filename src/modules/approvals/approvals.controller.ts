import { Body, Controller, Get, HttpCode, Inject, Optional, Post, Put, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../../common/auth/access.decorators';
import { ALL_ROLES, Principal, Role } from '../../common/auth/role';
import { Page } from '../../common/pagination/page';
import { APPROVAL_ADVISOR, ApprovalAdvisor } from './approval-advisor';
import { ApprovalsService } from './approvals.service';
import { ApprovalChangeDto, ApprovalDto, BulkApprovalsDto, BulkApprovalsResultDto, ListApprovalsQueryDto, SetApprovalDto } from './dto/set-approval.dto';

@ApiTags('approvals')
@Controller('api/v1/approvals')
export class ApprovalsController {
  constructor(
    private readonly approvals: ApprovalsService,
    @Optional() @Inject(APPROVAL_ADVISOR) private readonly advisor?: ApprovalAdvisor,
  ) {}

  /** The explicit decisions (not what computers inherit: see /computers/:id/effective-approvals). */
  @Get()
  @Roles(...ALL_ROLES)
  list(@Query() query: ListApprovalsQueryDto): Promise<Page<ApprovalDto>> {
    const { limit, cursor, ...filter } = query;
    return this.approvals.list(filter, limit ?? 100, cursor);
  }

  /** Sets one group's decision for one update; setting what is already set changes nothing (logEntry null). */
  @Put()
  @Roles(Role.Admin, Role.Approver)
  @ApiOkResponse({ type: ApprovalChangeDto })
  @ApiBadRequestResponse({ description: 'deadline not in the future or on an update needing user input, optional without install, decline without reason' })
  @ApiNotFoundResponse({ description: 'unknown update or group' })
  @ApiConflictResponse({ description: 'install of an expired or globally declined update' })
  async set(@Body() dto: SetApprovalDto, @CurrentPrincipal() principal: Principal): Promise<ApprovalChangeDto> {
    const change = await this.approvals.setOne(dto, principal);
    // An install of an APT update: what apt says the group's computers still need (after the commit).
    const advice = dto.decision === 'install' && this.advisor ? await this.advisor.advise(dto.updateId, dto.groupId) : null;
    return advice ? { ...change, aptDependencies: advice } : change;
  }

  /** All items or none; an error names the failing item (`itemIndex`). */
  @Post('bulk')
  @Roles(Role.Admin, Role.Approver)
  @HttpCode(200)
  @ApiOkResponse({ type: BulkApprovalsResultDto })
  async setMany(@Body() dto: BulkApprovalsDto, @CurrentPrincipal() principal: Principal): Promise<BulkApprovalsResultDto> {
    return { items: await this.approvals.setMany(dto.items, principal) };
  }
}
