import { Column, Entity, PrimaryColumn } from 'typeorm';
import { ApprovalSource, ApprovalStatus, Decision } from '../../approval-log/approval-decision';

/** The explicit decision of one group for one update. No row: not approved ("none") at this group. */
@Entity('approvals')
export class ApprovalEntity {
  @PrimaryColumn('uuid')
  updateId: string;

  @PrimaryColumn('uuid')
  groupId: string;

  @Column('varchar', { length: 10 })
  decision: Decision;

  @Column('timestamptz', { nullable: true })
  deadline: Date | null;

  @Column('boolean')
  optional: boolean;

  @Column('text', { nullable: true })
  reason: string | null;

  /** the update revision the decision was made for, or last carried over to by the sync */
  @Column('int', { nullable: true })
  revision: number | null;

  @Column('varchar', { length: 12 })
  status: ApprovalStatus;

  /** who made the decision: an admin (`manual`) or an automatic rule */
  @Column('varchar', { length: 12 })
  source: ApprovalSource;

  @Column('uuid', { nullable: true })
  ruleId: string | null;

  @Column('timestamptz')
  updatedAt: Date;

  @Column('varchar', { length: 100 })
  updatedBy: string;
}
