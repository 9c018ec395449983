import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Classification, Severity } from '../../catalog/update-revision';

/** An automatic approval rule: matching updates are approved for install in its groups. */
@Entity('approval_rules')
export class ApprovalRuleEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('varchar', { length: 100 })
  name: string;

  @Column('boolean')
  enabled: boolean;

  /** empty: any classification */
  @Column('varchar', { length: 20, array: true })
  classifications: Classification[];

  /** product paths; one matches a product equal to it or below it. Empty: any product. */
  @Column('text', { array: true })
  products: string[];

  /** null: any severity, including none */
  @Column('varchar', { length: 10, nullable: true })
  minSeverity: Severity | null;

  @Column('uuid', { array: true })
  groupIds: string[];

  /** install deadline, this many days after the rule approves */
  @Column('int', { nullable: true })
  deadlineDays: number | null;

  /** approve only updates released at least this many days ago (a soak time for rings) */
  @Column('int', { nullable: true })
  delayDays: number | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;

  @Column('varchar', { length: 100 })
  updatedBy: string;
}
