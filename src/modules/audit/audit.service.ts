import { Injectable } from '@nestjs/common';
import { DomainError } from '../../common/errors/domain-error';
import { decodeCursor, Page, toPage } from '../../common/pagination/page';
import { toLogEntryDto } from '../approvals/approval-log/approval-log-entry.mapper';
import { ApprovalLogFilter, ApprovalLogRepository } from '../approvals/approval-log/approval-log.repository';
import { ApprovalLogVerifier, ChainVerification } from './approval-log.verifier';
import { ApprovalLogListEntryDto } from './dto/approval-log-query.dto';

@Injectable()
export class AuditService {
  constructor(
    private readonly log: ApprovalLogRepository,
    private readonly verifier: ApprovalLogVerifier,
  ) {}

  async approvalLog(filter: ApprovalLogFilter, order: 'asc' | 'desc', limit: number, cursor?: string): Promise<Page<ApprovalLogListEntryDto>> {
    const [afterSeq] = (decodeCursor(cursor, 1) ?? []) as number[];
    if (afterSeq !== undefined && !Number.isSafeInteger(afterSeq)) throw new DomainError('invalid_cursor', 400, 'cursor is not one this server issued');
    const rows = await this.log.findPage(filter, limit + 1, afterSeq, order);
    return toPage(rows, limit, (r) => ({ ...toLogEntryDto(r), updateTitle: r.updateTitle, groupName: r.groupName }), (r) => [r.seq]);
  }

  verifyApprovalLog(): Promise<ChainVerification> {
    return this.verifier.verify();
  }
}
