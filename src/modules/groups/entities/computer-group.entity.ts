import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A node of the group tree. */
@Entity('computer_groups')
export class ComputerGroupEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('varchar', { length: 100 })
  name: string;

  /** null only for the root, All Computers */
  @Column('uuid', { nullable: true })
  parentId: string | null;

  /** ids from the root down to this group, itself included */
  @Column('uuid', { array: true })
  path: string[];

  /** 0 for the root */
  @Column('int')
  depth: number;

  @Column('boolean')
  builtIn: boolean;

  /**
   * Grows whenever an approval of this group changes or the group moves: a cache of what a
   * computer is offered is valid while the versions of its group path are unchanged.
   */
  @Column('bigint')
  approvalVersion: string;

  @Column('timestamptz')
  createdAt: Date;

  @Column('timestamptz')
  updatedAt: Date;
}
