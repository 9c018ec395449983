import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateStatusDeadLetters1764990000000 implements MigrationInterface {
  name = 'CreateStatusDeadLetters1764990000000';

  async up(db: QueryRunner): Promise<void> {
    // Status events the worker could not store (PostgreSQL refused them) or that name an update the
    // catalog does not hold: kept for an operator to look at, instead of failing the batch they came in.
    // `event` is the event as JSON text (JSON escapes control characters, so a NUL byte survives).
    // No foreign key: a dead letter outlives its computer.
    await db.query(`
      CREATE TABLE status_dead_letters (
        id bigserial PRIMARY KEY,
        computer_id uuid NOT NULL,
        reason varchar(16) NOT NULL CHECK (reason IN ('unknown_update', 'refused')),
        error text,
        event text NOT NULL,
        received_at timestamptz,
        dead_lettered_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query('CREATE INDEX status_dead_letters_at_idx ON status_dead_letters (dead_lettered_at)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE status_dead_letters');
  }
}
