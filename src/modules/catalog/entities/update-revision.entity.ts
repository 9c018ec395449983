import { Column, Entity, PrimaryColumn } from 'typeorm';
import { UpdateRevisionData, UpdateState } from '../update-revision';

/** Every revision the catalog has seen, as received; the current one is mirrored in `updates`. */
@Entity('update_revisions')
export class UpdateRevisionEntity {
  @PrimaryColumn('uuid')
  updateId: string;

  @PrimaryColumn('int')
  revision: number;

  @Column('jsonb')
  document: UpdateRevisionData;

  /** sha256 of the canonical JSON of `document`: an unchanged item is recognised without a write. */
  @Column('char', { length: 64 })
  contentHash: string;

  @Column('varchar', { length: 8 })
  state: UpdateState;

  @Column('boolean')
  requiresEula: boolean;

  @Column('timestamptz')
  syncedAt: Date;

  @Column('uuid', { nullable: true })
  syncRunId: string | null;

  @Column('bigint')
  changeSeq: string;
}
