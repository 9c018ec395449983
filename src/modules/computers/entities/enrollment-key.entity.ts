import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A secret agents present once, to register; stored as its SHA-256. */
@Entity('enrollment_keys')
export class EnrollmentKeyEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('varchar', { length: 100 })
  name: string;

  @Column('char', { length: 64 })
  keyHash: string;

  /** computers registered with this key land here, whatever the targeting mode */
  @Column('uuid', { nullable: true })
  groupId: string | null;

  @Column('timestamptz', { nullable: true })
  expiresAt: Date | null;

  @Column('int', { nullable: true })
  maxUses: number | null;

  @Column('int')
  useCount: number;

  @Column('varchar', { length: 100 })
  createdBy: string;

  @Column('timestamptz')
  createdAt: Date;

  @Column('timestamptz', { nullable: true })
  revokedAt: Date | null;
}
