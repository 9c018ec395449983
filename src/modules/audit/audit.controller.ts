import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../common/auth/access.decorators';
import { Role } from '../../common/auth/role';
import { Page } from '../../common/pagination/page';
import { AuditService } from './audit.service';
import { ApprovalLogQueryDto, ApprovalLogListEntryDto, ChainVerificationDto } from './dto/approval-log-query.dto';

@ApiTags('audit')
@Controller('api/v1/audit')
@Roles(Role.Admin, Role.Auditor)
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  /** The approval log, paged by sequence number. */
  @Get('approvals')
  approvals(@Query() query: ApprovalLogQueryDto): Promise<Page<ApprovalLogListEntryDto>> {
    const { limit, cursor, order, from, to, ...filter } = query;
    return this.audit.approvalLog(
      { ...filter, from: from ? new Date(from) : undefined, to: to ? new Date(to) : undefined },
      order ?? 'asc',
      limit ?? 100,
      cursor,
    );
  }

  /** Recomputes the approval log's hash chain and names the first broken entry. */
  @Get('verify')
  @ApiOkResponse({ type: ChainVerificationDto })
  verify(): Promise<ChainVerificationDto> {
    return this.audit.verifyApprovalLog();
  }
}
