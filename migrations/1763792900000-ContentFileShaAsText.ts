import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * content_files.sha256 as text on every database. CreateContent made it char(64) before it was
 * changed to text in place; databases created in between still have char(64), whose bpchar
 * comparisons keep the offer's stored-files filter from using the primary key's index as a text
 * comparison. Converts those, and does nothing where the column is text already.
 */
export class ContentFileShaAsText1763792900000 implements MigrationInterface {
  name = 'ContentFileShaAsText1763792900000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      DO $$
      BEGIN
        IF EXISTS (
          SELECT 1 FROM information_schema.columns
          WHERE table_schema = current_schema() AND table_name = 'content_files' AND column_name = 'sha256' AND data_type = 'character'
        ) THEN
          ALTER TABLE content_files ALTER COLUMN sha256 TYPE text;
        END IF;
      END $$`);
  }

  async down(): Promise<void> {
    // Nothing to undo: before this migration, a database made by the current CreateContent has a
    // text column too, and restoring char(64) would give it a type it never had.
  }
}
