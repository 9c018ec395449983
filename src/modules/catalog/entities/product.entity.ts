import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Product paths seen in the catalog (`Windows/Windows Server 2022`), for filters and rules. */
@Entity('products')
export class ProductEntity {
  @PrimaryColumn('text')
  path: string;

  @Column('timestamptz')
  firstSeenAt: Date;
}
