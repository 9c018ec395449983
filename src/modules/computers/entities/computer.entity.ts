import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A registered computer. Revoking keeps the row (install history refers to it) and kills the token. */
@Entity('computers')
export class ComputerEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('varchar', { length: 255 })
  hostname: string;

  @Column('varchar', { length: 64 })
  osFamily: string;

  @Column('varchar', { length: 64 })
  osVersion: string;

  @Column('varchar', { length: 32 })
  arch: string;

  @Column('varchar', { length: 64 })
  agentVersion: string;

  /** null only for a revoked computer whose group was deleted since */
  @Column('uuid', { nullable: true })
  groupId: string | null;

  /** the group name the agent asked for, kept even when no group has that name */
  @Column('varchar', { length: 100, nullable: true })
  requestedGroup: string | null;

  /** SHA-256 of the computer's bearer token; the token is shown once, at registration. */
  @Column('char', { length: 64 })
  tokenHash: string;

  @Column('uuid', { nullable: true })
  enrollmentKeyId: string | null;

  @Column('timestamptz')
  registeredAt: Date;

  @Column('timestamptz', { nullable: true })
  lastSeenAt: Date | null;

  @Column('timestamptz', { nullable: true })
  revokedAt: Date | null;

  @Column('jsonb')
  inventory: Record<string, unknown>;
}
