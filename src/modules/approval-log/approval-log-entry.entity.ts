import { Column, Entity, PrimaryColumn } from 'typeorm';
import { ActorType, ApprovalSource, ApprovalStatus, DecisionOrNone } from './approval-decision';

/** One entry of the append-only approval log (written only by ApprovalLogWriter). */
@Entity('approval_log')
export class ApprovalLogEntryEntity {
  @PrimaryColumn('bigint')
  seq: string;

  @Column('timestamptz')
  at: Date;

  @Column('varchar', { length: 12 })
  actorType: ActorType;

  @Column('varchar', { length: 100, nullable: true })
  actorId: string | null;

  @Column('varchar', { length: 100 })
  actorName: string;

  @Column('varchar', { length: 16, nullable: true })
  actorRole: string | null;

  @Column('uuid')
  updateId: string;

  @Column('int', { nullable: true })
  revision: number | null;

  @Column('uuid', { nullable: true })
  groupId: string | null;

  @Column('varchar', { length: 10 })
  previousDecision: DecisionOrNone;

  @Column('varchar', { length: 10 })
  newDecision: DecisionOrNone;

  @Column('varchar', { length: 12, nullable: true })
  status: ApprovalStatus | null;

  @Column('timestamptz', { nullable: true })
  deadline: Date | null;

  @Column('boolean')
  optional: boolean;

  @Column('text', { nullable: true })
  reason: string | null;

  @Column('varchar', { length: 12 })
  source: ApprovalSource;

  @Column('uuid', { nullable: true })
  ruleId: string | null;

  @Column('char', { length: 64 })
  prevHash: string;

  @Column('char', { length: 64 })
  hash: string;
}
