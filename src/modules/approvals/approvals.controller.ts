import { Body, Controller, Get, HttpCode, Post, Put, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../../common/auth/access.decorators';
import { ALL_ROLES, Principal, Role } from '../../common/auth/role';
import { Page } from '../../common/pagination/page';
import { ApprovalsService } from './approvals.service';
import { ApprovalChangeDto, ApprovalDto, BulkApprovalsDto, BulkApprovalsResultDto, ListApprovalsQueryDto, SetApprovalDto } from './dto/set-approval.dto';

@ApiTags('approvals')
@Controller('api/v1/approvals')
export class ApprovalsController {
  constructor(private readonly approvals: ApprovalsService) {}

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
  set(@Body() dto: SetApprovalDto, @CurrentPrincipal() principal: Principal): Promise<ApprovalChangeDto> {
    return this.approvals.setOne(dto, principal);
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
