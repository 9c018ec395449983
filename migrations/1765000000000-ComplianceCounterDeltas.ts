import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Status batches no longer update the hot rows of group_update_state_counts: the install_states
 * triggers (migration CreateComplianceCounters) now INSERT the statement's aggregated changes into
 * group_update_state_deltas, an append-only table without indexes, in the same transaction as the
 * states (so a batch that dies leaves no delta behind, and a logged table survives a crash). The
 * worker folds the deltas into the counters every second (ComplianceCounters.fold in
 * src/modules/reports/compliance-counters.ts: one transaction deletes the deltas it moves and adds
 * their sums to the counters); the recount folds everything. Readers add the unfolded deltas to the
 * counters (src/modules/reports/reports.repository.ts), so a report equals a recount at any moment.
 *
 * The other writers (computers, updates) keep writing the counters themselves: they are rare.
 * Lock order stays install_states rows, computers rows (FOR SHARE), updates rows (FOR SHARE), then
 * counter rows; tables are locked counters before deltas by everyone who takes both (the recount, the
 * fold, a computer deleted with its states), so that a recount's EXCLUSIVE locks cannot deadlock.
 */
const appliesOf = (rows: string) => `SELECT p.update_id, p.os_family, p.os_version, p.arch,
         update_applies(u.applicability, p.os_family, p.os_version, p.arch) AS applicable
    FROM (SELECT DISTINCT update_id, os_family, os_version, arch FROM ${rows}) p
    LEFT JOIN updates u ON u.update_id = p.update_id`;

/**
 * Appends the deltas of `deltas` (computer_id, update_id, state, delta), summed per counter key, to
 * group_update_state_deltas, in one statement: the changed rows are read once (a transition table
 * has no statistics and no index), and the computers and updates rows are share-locked by primary
 * key (`= ANY(ARRAY(…))`, never a scan of the table) in CTEs that also give their values. A row
 * locked after waiting for a concurrent writer comes back as that writer committed it (READ
 * COMMITTED re-reads a row it waited for), so this sees the group, platform and applicability that
 * a computer or catalog change committed first, as the separate statements of
 * CreateComplianceCounters did. Every row is locked whatever its state, then filtered.
 */
const appendStateDeltas = (deltas: string) => `
    WITH d AS MATERIALIZED (${deltas}),
         c AS MATERIALIZED (
           SELECT id, group_id, os_family, os_version, arch, revoked_at FROM computers
            WHERE id = ANY(ARRAY(SELECT DISTINCT computer_id FROM d)) ORDER BY id FOR SHARE),
         u AS MATERIALIZED (
           SELECT update_id, applicability FROM updates
            WHERE update_id = ANY(ARRAY(SELECT DISTINCT update_id FROM d)) ORDER BY update_id FOR SHARE),
         x AS MATERIALIZED (
           SELECT c.group_id, d.update_id, d.state, c.os_family, c.os_version, c.arch, sum(d.delta) AS delta
             FROM d JOIN c ON c.id = d.computer_id
            WHERE c.revoked_at IS NULL AND c.group_id IS NOT NULL
            GROUP BY 1, 2, 3, 4, 5, 6),
         a AS MATERIALIZED (
           SELECT p.update_id, p.os_family, p.os_version, p.arch,
                  update_applies(u.applicability, p.os_family, p.os_version, p.arch) AS applicable
             FROM (SELECT DISTINCT update_id, os_family, os_version, arch FROM x) p
             LEFT JOIN u ON u.update_id = p.update_id)
    INSERT INTO group_update_state_deltas (group_id, update_id, state, applicable, computers)
    SELECT x.group_id, x.update_id, x.state, a.applicable, sum(x.delta)::int
      FROM x JOIN a USING (update_id, os_family, os_version, arch)
     GROUP BY 1, 2, 3, 4 HAVING sum(x.delta) <> 0;`;

/** As in CreateComplianceCounters, for down(). */
const applyStateDeltas = (deltas: string) => `
    PERFORM 1 FROM computers WHERE id IN (SELECT d.computer_id FROM (${deltas}) d) ORDER BY id FOR SHARE;
    PERFORM 1 FROM updates WHERE update_id IN (SELECT d.update_id FROM (${deltas}) d) ORDER BY update_id FOR SHARE;
    WITH x AS MATERIALIZED (
           SELECT c.group_id, d.update_id, d.state, c.os_family, c.os_version, c.arch, sum(d.delta) AS delta
             FROM (${deltas}) d
             JOIN computers c ON c.id = d.computer_id AND c.revoked_at IS NULL AND c.group_id IS NOT NULL
            GROUP BY 1, 2, 3, 4, 5, 6),
         a AS MATERIALIZED (${appliesOf('x')})
    INSERT INTO group_update_state_counts AS t (group_id, update_id, state, applicable, computers)
    SELECT x.group_id, x.update_id, x.state, a.applicable, sum(x.delta)::int
      FROM x JOIN a USING (update_id, os_family, os_version, arch)
     GROUP BY 1, 2, 3, 4 HAVING sum(x.delta) <> 0
     ORDER BY 1, 2, 3, 4
    ON CONFLICT (group_id, update_id, state, applicable) DO UPDATE SET computers = t.computers + excluded.computers;`;

const INSERTED = 'SELECT computer_id, update_id, state, 1 AS delta FROM new_states';
const CHANGED = `SELECT n.computer_id, n.update_id, n.state, 1 AS delta FROM new_states n JOIN old_states o USING (computer_id, update_id) WHERE n.state <> o.state
          UNION ALL
          SELECT o.computer_id, o.update_id, o.state, -1 FROM new_states n JOIN old_states o USING (computer_id, update_id) WHERE n.state <> o.state`;
const DELETED = 'SELECT computer_id, update_id, state, -1 AS delta FROM old_states';

/** The changed states joined once, each as two rows: +1 for the new state, -1 for the old one. */
const CHANGED_ONCE = `WITH ch AS MATERIALIZED (
            SELECT n.computer_id, n.update_id, n.state AS new_state, o.state AS old_state
              FROM new_states n JOIN old_states o USING (computer_id, update_id) WHERE n.state <> o.state)
          SELECT computer_id, update_id, new_state AS state, 1 AS delta FROM ch
          UNION ALL
          SELECT computer_id, update_id, old_state, -1 FROM ch`;

/**
 * The three install_states trigger functions. `settings`: for the delta statement, whose CTEs the
 * planner estimates at a row or so (a transition table has no statistics): a nested loop over
 * thousands of rows each way took 0.2 s a batch; hash joins take milliseconds.
 */
const stateTriggers = (write: (deltas: string) => string, changed: string, settings = '') =>
  (
    [
      ['install_states_count_insert', INSERTED],
      ['install_states_count_update', changed],
      ['install_states_count_delete', DELETED],
    ] as const
  ).map(
    ([name, deltas]) => `CREATE OR REPLACE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql ${settings} AS $$
      BEGIN
        ${write(deltas)}
        RETURN NULL;
      END $$`,
  );

/**
 * Recounts the counters of the updates `ids` (an update inserted or its applicability changed, see
 * CreateComplianceCounters): with pending deltas, the counters become the recount minus what is still
 * pending for those updates, so counters + deltas equal the recount, and the fold adds the rest.
 * The pending deltas are read, not deleted: the caller holds those updates rows, which the fold
 * skips (ComplianceCounters.fold), so the two never wait on each other.
 */
const recountUpdates = (withDeltas: boolean) => `
      CREATE OR REPLACE FUNCTION recount_update_state_counts(ids uuid[]) RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        DELETE FROM group_update_state_counts WHERE update_id = ANY(ids);
        WITH x AS MATERIALIZED (
               SELECT c.group_id, s.update_id, s.state, c.os_family, c.os_version, c.arch, count(*) AS n
                 FROM install_states s
                 JOIN computers c ON c.id = s.computer_id AND c.revoked_at IS NULL AND c.group_id IS NOT NULL
                WHERE s.update_id = ANY(ids)
                GROUP BY 1, 2, 3, 4, 5, 6),
             a AS MATERIALIZED (${appliesOf('x')})
        INSERT INTO group_update_state_counts (group_id, update_id, state, applicable, computers)
        SELECT group_id, update_id, state, applicable, sum(n)::int FROM (
          SELECT x.group_id, x.update_id, x.state, a.applicable, x.n
            FROM x JOIN a USING (update_id, os_family, os_version, arch)
          ${withDeltas ? `UNION ALL
          SELECT group_id, update_id, state, applicable, -computers FROM group_update_state_deltas WHERE update_id = ANY(ids)` : ''}) r
         GROUP BY 1, 2, 3, 4 ${withDeltas ? 'HAVING sum(n) <> 0' : ''} ORDER BY 1, 2, 3, 4;
      END $$`;

export class ComplianceCounterDeltas1765000000000 implements MigrationInterface {
  name = 'ComplianceCounterDeltas1765000000000';

  async up(db: QueryRunner): Promise<void> {
    // Logged: a delta commits with its states and must survive a crash until it is folded.
    // Append-only, no index: readers scan it whole (the fold keeps it to about a second of batches).
    await db.query(`
      CREATE TABLE group_update_state_deltas (
        group_id uuid NOT NULL,
        update_id uuid NOT NULL,
        state varchar(24) NOT NULL,
        applicable boolean NOT NULL,
        computers int NOT NULL
      ) WITH (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 20000, autovacuum_vacuum_insert_scale_factor = 0, autovacuum_vacuum_insert_threshold = 20000)`);
    // Writers of the counters wait here and carry on with the new functions. A batch still running
    // the old trigger adds to the counters themselves, which is as exact: readers sum both.
    await db.query('LOCK TABLE group_update_state_counts IN SHARE ROW EXCLUSIVE MODE');
    for (const sql of stateTriggers(appendStateDeltas, CHANGED_ONCE, 'SET enable_nestloop = off')) await db.query(sql);
    await db.query(recountUpdates(true));
  }

  async down(db: QueryRunner): Promise<void> {
    // Counters before deltas (as the fold and the recount): no delta is written after the ones moved here.
    await db.query('LOCK TABLE group_update_state_counts, group_update_state_deltas IN SHARE ROW EXCLUSIVE MODE');
    // What is pending goes into the counters before the table goes.
    await db.query(`
      INSERT INTO group_update_state_counts AS t (group_id, update_id, state, applicable, computers)
      SELECT group_id, update_id, state, applicable, sum(computers)::int FROM group_update_state_deltas
       GROUP BY 1, 2, 3, 4 HAVING sum(computers) <> 0 ORDER BY 1, 2, 3, 4
      ON CONFLICT (group_id, update_id, state, applicable) DO UPDATE SET computers = t.computers + excluded.computers`);
    for (const sql of stateTriggers(applyStateDeltas, CHANGED)) await db.query(sql);
    await db.query(recountUpdates(false));
    await db.query('DROP TABLE group_update_state_deltas');
  }
}
