import { Column, Entity, PrimaryColumn } from 'typeorm';

export const TARGETING_MODES = ['server', 'client'] as const;
export type TargetingMode = (typeof TARGETING_MODES)[number];

/** The one row of server-wide settings an admin changes at run time. */
@Entity('server_settings')
export class ServerSettingsEntity {
  @PrimaryColumn('smallint')
  id: number;

  /** `server`: admins place computers; `client`: the group an agent asks for places it. */
  @Column('varchar', { length: 8 })
  targetingMode: TargetingMode;

  @Column('int')
  checkInSeconds: number;

  /** A computer with no contact for this many days is shown as stale. */
  @Column('int')
  staleAfterDays: number;

  /**
   * A new revision of an approved update keeps its approvals (`true`, WSUS's default) or has them
   * suspended for review. Whatever this says, a revision with other files is suspended for review.
   */
  @Column('boolean')
  approveNewRevisions: boolean;

  @Column('timestamptz')
  updatedAt: Date;

  @Column('varchar', { length: 100, nullable: true })
  updatedBy: string | null;
}
