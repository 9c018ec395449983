import { Column, Entity, PrimaryColumn } from 'typeorm';
import { Applicability, Classification, RebootBehavior, Severity, UpdateFile, UpdateState } from '../update-revision';

/**
 * One row per update: its identity, the fields of its current (highest) revision, kept here so
 * the catalog lists and the check-in offer read one table, and the global decline.
 */
@Entity('updates')
export class UpdateEntity {
  @PrimaryColumn('uuid')
  updateId: string;

  @Column('int')
  currentRevision: number;

  @Column('text')
  title: string;

  @Column('text')
  description: string;

  @Column('text', { array: true })
  kb: string[];

  @Column('text', { array: true })
  cves: string[];

  @Column('varchar', { length: 20 })
  classification: Classification;

  @Column('text', { array: true })
  products: string[];

  @Column('varchar', { length: 10, nullable: true })
  severity: Severity | null;

  @Column('timestamptz')
  releasedAt: Date;

  @Column('uuid', { array: true })
  supersedes: string[];

  @Column('uuid', { array: true })
  prerequisites: string[];

  @Column('varchar', { length: 8 })
  reboot: RebootBehavior;

  @Column('boolean')
  userInput: boolean;

  @Column('boolean')
  requiresEula: boolean;

  @Column('jsonb')
  files: UpdateFile[];

  @Column('jsonb')
  applicability: Applicability;

  @Column('varchar', { length: 8 })
  state: UpdateState;

  @Column('timestamptz', { nullable: true })
  declinedAt: Date | null;

  /** A baseline package of an APT release (docs/debian.md): not an update, never offered by the check-in. */
  @Column('boolean', { default: false })
  baseline: boolean;

  @Column('varchar', { length: 100, nullable: true })
  declinedBy: string | null;

  @Column('text', { nullable: true })
  declineReason: string | null;

  @Column('timestamptz')
  firstSeenAt: Date;

  @Column('timestamptz')
  changedAt: Date;

  /** Position in the catalog's change sequence: grows on every change, feeds downstream servers. */
  @Column('bigint')
  changeSeq: string;
}
