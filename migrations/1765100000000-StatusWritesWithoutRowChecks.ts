import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Status writes without per-row checks (docs/benchmarks.md, "Status ingest without per-row checks"):
 * the foreign keys from status_events and install_states to computers cost PostgreSQL a lookup and
 * a row lock per written row, and status_events' id a sequence call and a third index entry per
 * event. Integrity is kept by other means:
 * - a writer of either table locks the computers it writes for `FOR KEY SHARE` by primary key in
 *   the same transaction, first, and writes nothing for a computer that is not there
 *   (StatusRepository.persist, DpkgInventoryRepository.writeDerivedStates); a computer being
 *   deleted waits for that transaction, and a writer that comes second finds the computer gone;
 * - deleting computers deletes their install states and history (computers_delete_rows below), in
 *   the deleting statement, as ON DELETE CASCADE did, whatever code or operator deletes them.
 *   The counters stay exact as before: computers_count_delete (BEFORE, CreateComplianceCounters)
 *   takes the states out of the counters; the states deleted afterwards belong to a computer the
 *   statement already deleted, so the install_states delete trigger finds no computer and appends
 *   no delta.
 * Retention deletes history by ctid, oldest received first (StatusRepository.pruneHistoryBatch):
 * nothing else needed the id (rows are never updated, nothing reads one event by id).
 */
export class StatusWritesWithoutRowChecks1765100000000 implements MigrationInterface {
  name = 'StatusWritesWithoutRowChecks1765100000000';

  async up(db: QueryRunner): Promise<void> {
    // Statement-level: one delete per table however many computers the statement deletes (retention
    // deletes them in batches), by the computer_id leading column of each table's index.
    await db.query(`
      CREATE FUNCTION computers_delete_rows() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        DELETE FROM install_states WHERE computer_id = ANY(ARRAY(SELECT id FROM deleted_computers));
        DELETE FROM status_events WHERE computer_id = ANY(ARRAY(SELECT id FROM deleted_computers));
        RETURN NULL;
      END $$`);
    await db.query(`CREATE TRIGGER computers_delete_rows AFTER DELETE ON computers
      REFERENCING OLD TABLE AS deleted_computers FOR EACH STATEMENT EXECUTE FUNCTION computers_delete_rows()`);
    await db.query('ALTER TABLE install_states DROP CONSTRAINT install_states_computer_id_fkey');
    await db.query('ALTER TABLE status_events DROP CONSTRAINT status_events_computer_id_fkey');
    await db.query('ALTER TABLE status_events DROP COLUMN id');
  }

  async down(db: QueryRunner): Promise<void> {
    // Rows of computers that are gone cannot be there (see above); should one be, the constraint
    // could not be added: such a row is of no computer, so it goes.
    await db.query('DELETE FROM install_states s WHERE NOT EXISTS (SELECT 1 FROM computers c WHERE c.id = s.computer_id)');
    await db.query('DELETE FROM status_events s WHERE NOT EXISTS (SELECT 1 FROM computers c WHERE c.id = s.computer_id)');
    // Ids in physical order, which is about the received order.
    await db.query('ALTER TABLE status_events ADD COLUMN id bigserial PRIMARY KEY');
    await db.query('ALTER TABLE status_events ADD CONSTRAINT status_events_computer_id_fkey FOREIGN KEY (computer_id) REFERENCES computers (id) ON DELETE CASCADE');
    await db.query('ALTER TABLE install_states ADD CONSTRAINT install_states_computer_id_fkey FOREIGN KEY (computer_id) REFERENCES computers (id) ON DELETE CASCADE');
    await db.query('DROP TRIGGER computers_delete_rows ON computers');
    await db.query('DROP FUNCTION computers_delete_rows()');
  }
}
