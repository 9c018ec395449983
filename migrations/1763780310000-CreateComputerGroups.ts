import { MigrationInterface, QueryRunner } from 'typeorm';

/** Kept in step with ALL_COMPUTERS_GROUP_ID / UNASSIGNED_COMPUTERS_GROUP_ID (src/modules/groups/built-in-groups.ts). */
const ALL_COMPUTERS = '00000000-0000-4000-8000-000000000001';
const UNASSIGNED_COMPUTERS = '00000000-0000-4000-8000-000000000002';

export class CreateComputerGroups1763780310000 implements MigrationInterface {
  name = 'CreateComputerGroups1763780310000';

  async up(db: QueryRunner): Promise<void> {
    // `path` is root..self and `depth` = its length - 1, maintained on create and move, so the
    // effective-decision walk and subtree queries need no recursion at read time.
    await db.query(`
      CREATE TABLE computer_groups (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name varchar(100) NOT NULL,
        parent_id uuid REFERENCES computer_groups (id),
        path uuid[] NOT NULL,
        depth int NOT NULL,
        built_in boolean NOT NULL DEFAULT false,
        approval_version bigint NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (depth = cardinality(path) - 1),
        CHECK (path[cardinality(path)] = id),
        CHECK ((parent_id IS NULL) = (depth = 0))
      )`);
    await db.query('CREATE UNIQUE INDEX computer_groups_one_root ON computer_groups ((true)) WHERE parent_id IS NULL');
    await db.query('CREATE UNIQUE INDEX computer_groups_sibling_name ON computer_groups (parent_id, lower(name))');
    await db.query('CREATE INDEX computer_groups_path_idx ON computer_groups USING gin (path)');
    await db.query(
      `INSERT INTO computer_groups (id, name, parent_id, path, depth, built_in) VALUES
         ($1, 'All Computers', NULL, ARRAY[$1]::uuid[], 0, true),
         ($2, 'Unassigned Computers', $1, ARRAY[$1, $2]::uuid[], 1, true)`,
      [ALL_COMPUTERS, UNASSIGNED_COMPUTERS],
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE computer_groups');
  }
}
