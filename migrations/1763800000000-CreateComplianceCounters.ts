import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Compliance counters (docs/reports.md): reports read these instead of scanning computers × updates.
 *
 * A computer is counted when it is not revoked and has a group. Two counters, both kept by triggers
 * in the transaction of the change they count, whichever code path makes it:
 * - group_platform_counts: counted computers per group and platform (OS family, version, arch);
 * - group_update_state_counts: the reported states (install_states) of counted computers per group,
 *   update, state and whether the update applies to the computer's platform.
 * Reports derive needed / unknown / not applicable for computers that did not report from these two
 * and the approvals, so approvals, declines, rules, expiry and group moves in the tree change no
 * counter. What does: a status stored (install_states), a computer registered, moved, revoked,
 * deleted or with a new OS or architecture (computers), and an update's applicability (updates).
 *
 * Lock order, to keep concurrent writers exact: install_states rows, then the computers rows they
 * belong to (FOR SHARE), then the updates rows (FOR SHARE), then counter rows in key order. A
 * computer change holds its row; an applicability change holds its update row: whoever comes second
 * waits and then reads what the first committed.
 */
const APPLIES = `CREATE FUNCTION update_applies(applicability jsonb, os_family text, os_version text, arch text) RETURNS boolean
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce((applicability->'osFamily') ? lower(os_family)
      AND (applicability->'arch') ? lower(arch)
      AND (applicability->>'minOsVersion' IS NULL OR os_version_key(os_version) >= os_version_key(applicability->>'minOsVersion')), false)
  $$`;

/**
 * Per (update, platform) pair whether the update applies, for the pairs of `rows` (a relation with
 * update_id, os_family, os_version, arch): update_applies is evaluated once per distinct pair, not
 * once per state row (os_version_key parses the versions).
 */
const appliesOf = (rows: string) => `SELECT p.update_id, p.os_family, p.os_version, p.arch,
         update_applies(u.applicability, p.os_family, p.os_version, p.arch) AS applicable
    FROM (SELECT DISTINCT update_id, os_family, os_version, arch FROM ${rows}) p
    LEFT JOIN updates u ON u.update_id = p.update_id`;

/** Adds the deltas of `deltas` (computer_id, update_id, state, delta) to group_update_state_counts. */
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

export class CreateComplianceCounters1763800000000 implements MigrationInterface {
  name = 'CreateComplianceCounters1763800000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(APPLIES);
    await db.query(`
      CREATE TABLE group_platform_counts (
        group_id uuid NOT NULL,
        os_family varchar(64) NOT NULL,
        os_version varchar(64) NOT NULL,
        arch varchar(32) NOT NULL,
        computers int NOT NULL,
        PRIMARY KEY (group_id, os_family, os_version, arch)
      )`);
    await db.query(`
      CREATE TABLE group_update_state_counts (
        group_id uuid NOT NULL,
        update_id uuid NOT NULL,
        state varchar(24) NOT NULL,
        applicable boolean NOT NULL,
        computers int NOT NULL,
        PRIMARY KEY (group_id, update_id, state, applicable)
      )`);
    // A fleet-wide report of one update probes by update first.
    await db.query('CREATE INDEX group_update_state_counts_update_idx ON group_update_state_counts (update_id)');

    // install_states: one statement-level trigger per operation, with the changed rows as transition tables.
    await db.query(`
      CREATE FUNCTION install_states_count_insert() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        ${applyStateDeltas('SELECT computer_id, update_id, state, 1 AS delta FROM new_states')}
        RETURN NULL;
      END $$`);
    await db.query(`
      CREATE FUNCTION install_states_count_update() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        ${applyStateDeltas(`SELECT n.computer_id, n.update_id, n.state, 1 AS delta FROM new_states n JOIN old_states o USING (computer_id, update_id) WHERE n.state <> o.state
          UNION ALL
          SELECT o.computer_id, o.update_id, o.state, -1 FROM new_states n JOIN old_states o USING (computer_id, update_id) WHERE n.state <> o.state`)}
        RETURN NULL;
      END $$`);
    await db.query(`
      CREATE FUNCTION install_states_count_delete() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        ${applyStateDeltas('SELECT computer_id, update_id, state, -1 AS delta FROM old_states')}
        RETURN NULL;
      END $$`);
    await db.query(`CREATE TRIGGER install_states_count_insert AFTER INSERT ON install_states
      REFERENCING NEW TABLE AS new_states FOR EACH STATEMENT EXECUTE FUNCTION install_states_count_insert()`);
    await db.query(`CREATE TRIGGER install_states_count_update AFTER UPDATE ON install_states
      REFERENCING OLD TABLE AS old_states NEW TABLE AS new_states FOR EACH STATEMENT EXECUTE FUNCTION install_states_count_update()`);
    // Cascaded deletes of a deleted computer find no computer row here: computers_count_delete took them out before.
    await db.query(`CREATE TRIGGER install_states_count_delete AFTER DELETE ON install_states
      REFERENCING OLD TABLE AS old_states FOR EACH STATEMENT EXECUTE FUNCTION install_states_count_delete()`);

    // computers: row-level, and only when a counted fact changes (last_seen_at writes fire nothing).
    await db.query(`
      CREATE FUNCTION computers_count_change() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        old_counted boolean := TG_OP <> 'INSERT' AND OLD.revoked_at IS NULL AND OLD.group_id IS NOT NULL;
        new_counted boolean := TG_OP <> 'DELETE' AND NEW.revoked_at IS NULL AND NEW.group_id IS NOT NULL;
      BEGIN
        INSERT INTO group_platform_counts AS t (group_id, os_family, os_version, arch, computers)
        SELECT v.group_id, v.os_family, v.os_version, v.arch, sum(v.delta)::int
          FROM (SELECT OLD.group_id AS group_id, OLD.os_family AS os_family, OLD.os_version AS os_version, OLD.arch AS arch, -1 AS delta WHERE old_counted
                UNION ALL
                SELECT NEW.group_id, NEW.os_family, NEW.os_version, NEW.arch, 1 WHERE new_counted) v
         GROUP BY 1, 2, 3, 4 HAVING sum(v.delta) <> 0 ORDER BY 1, 2, 3, 4
        ON CONFLICT (group_id, os_family, os_version, arch) DO UPDATE SET computers = t.computers + excluded.computers;
        IF TG_OP <> 'INSERT' THEN
          PERFORM 1 FROM updates WHERE update_id IN (SELECT s.update_id FROM install_states s WHERE s.computer_id = OLD.id) ORDER BY update_id FOR SHARE;
          INSERT INTO group_update_state_counts AS t (group_id, update_id, state, applicable, computers)
          SELECT d.group_id, d.update_id, d.state, d.applicable, sum(d.delta)::int
            FROM (SELECT OLD.group_id AS group_id, s.update_id, s.state, update_applies(u.applicability, OLD.os_family, OLD.os_version, OLD.arch) AS applicable, -1 AS delta
                    FROM install_states s LEFT JOIN updates u ON u.update_id = s.update_id WHERE s.computer_id = OLD.id AND old_counted
                  UNION ALL
                  SELECT NEW.group_id, s.update_id, s.state, update_applies(u.applicability, NEW.os_family, NEW.os_version, NEW.arch), 1
                    FROM install_states s LEFT JOIN updates u ON u.update_id = s.update_id WHERE s.computer_id = OLD.id AND new_counted) d
           GROUP BY 1, 2, 3, 4 HAVING sum(d.delta) <> 0 ORDER BY 1, 2, 3, 4
          ON CONFLICT (group_id, update_id, state, applicable) DO UPDATE SET computers = t.computers + excluded.computers;
        END IF;
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NULL END;
      END $$`);
    await db.query(`CREATE TRIGGER computers_count_insert AFTER INSERT ON computers
      FOR EACH ROW WHEN (NEW.revoked_at IS NULL AND NEW.group_id IS NOT NULL) EXECUTE FUNCTION computers_count_change()`);
    await db.query(`CREATE TRIGGER computers_count_update AFTER UPDATE OF group_id, os_family, os_version, arch, revoked_at ON computers
      FOR EACH ROW WHEN ((OLD.group_id, OLD.os_family, OLD.os_version, OLD.arch, OLD.revoked_at IS NULL)
                         IS DISTINCT FROM (NEW.group_id, NEW.os_family, NEW.os_version, NEW.arch, NEW.revoked_at IS NULL))
      EXECUTE FUNCTION computers_count_change()`);
    // BEFORE: its install states are still there to take out (they go with it by ON DELETE CASCADE).
    await db.query(`CREATE TRIGGER computers_count_delete BEFORE DELETE ON computers
      FOR EACH ROW WHEN (OLD.revoked_at IS NULL AND OLD.group_id IS NOT NULL) EXECUTE FUNCTION computers_count_change()`);

    // updates: a new update (reports may name it before the catalog has it) or a changed
    // applicability re-derives the applicable flag of that update's counters.
    await db.query(`
      CREATE FUNCTION recount_update_state_counts(ids uuid[]) RETURNS void LANGUAGE plpgsql AS $$
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
        SELECT x.group_id, x.update_id, x.state, a.applicable, sum(x.n)::int
          FROM x JOIN a USING (update_id, os_family, os_version, arch)
         GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4;
      END $$`);
    await db.query(`
      CREATE FUNCTION updates_count_applicability() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        ids uuid[];
      BEGIN
        IF TG_OP = 'INSERT' THEN
          ids := ARRAY(SELECT n.update_id FROM new_updates n WHERE EXISTS (SELECT 1 FROM install_states s WHERE s.update_id = n.update_id) ORDER BY 1);
        ELSE
          ids := ARRAY(SELECT n.update_id FROM new_updates n JOIN old_updates o USING (update_id)
                        WHERE n.applicability IS DISTINCT FROM o.applicability ORDER BY 1);
        END IF;
        IF cardinality(ids) > 0 THEN
          PERFORM recount_update_state_counts(ids);
        END IF;
        RETURN NULL;
      END $$`);
    await db.query(`CREATE TRIGGER updates_count_insert AFTER INSERT ON updates
      REFERENCING NEW TABLE AS new_updates FOR EACH STATEMENT EXECUTE FUNCTION updates_count_applicability()`);
    await db.query(`CREATE TRIGGER updates_count_update AFTER UPDATE ON updates
      REFERENCING OLD TABLE AS old_updates NEW TABLE AS new_updates FOR EACH STATEMENT EXECUTE FUNCTION updates_count_applicability()`);

    // What is there already.
    await db.query(`
      INSERT INTO group_platform_counts (group_id, os_family, os_version, arch, computers)
      SELECT group_id, os_family, os_version, arch, count(*)::int FROM computers
       WHERE revoked_at IS NULL AND group_id IS NOT NULL GROUP BY 1, 2, 3, 4`);
    await db.query(`SELECT recount_update_state_counts(ARRAY(SELECT DISTINCT update_id FROM install_states))`);

    // Inventory reads at scale (docs/reports.md): the computer list pages by (hostname, id) within
    // a group and by OS; the state-of-an-update filter probes install_states by update and state.
    await db.query('CREATE INDEX computers_group_hostname_idx ON computers (group_id, hostname, id) WHERE revoked_at IS NULL');
    await db.query('CREATE INDEX computers_os_hostname_idx ON computers (lower(os_family), hostname, id) WHERE revoked_at IS NULL');
    await db.query('CREATE INDEX install_states_update_state_computer_idx ON install_states (update_id, state, computer_id)');
    await db.query('DROP INDEX install_states_update_idx');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('CREATE INDEX install_states_update_idx ON install_states (update_id, state)');
    await db.query('DROP INDEX install_states_update_state_computer_idx');
    await db.query('DROP INDEX computers_os_hostname_idx');
    await db.query('DROP INDEX computers_group_hostname_idx');
    await db.query('DROP TRIGGER updates_count_update ON updates');
    await db.query('DROP TRIGGER updates_count_insert ON updates');
    await db.query('DROP FUNCTION updates_count_applicability()');
    await db.query('DROP FUNCTION recount_update_state_counts(uuid[])');
    await db.query('DROP TRIGGER computers_count_delete ON computers');
    await db.query('DROP TRIGGER computers_count_update ON computers');
    await db.query('DROP TRIGGER computers_count_insert ON computers');
    await db.query('DROP FUNCTION computers_count_change()');
    await db.query('DROP TRIGGER install_states_count_delete ON install_states');
    await db.query('DROP TRIGGER install_states_count_update ON install_states');
    await db.query('DROP TRIGGER install_states_count_insert ON install_states');
    await db.query('DROP FUNCTION install_states_count_delete()');
    await db.query('DROP FUNCTION install_states_count_update()');
    await db.query('DROP FUNCTION install_states_count_insert()');
    await db.query('DROP TABLE group_update_state_counts');
    await db.query('DROP TABLE group_platform_counts');
    await db.query('DROP FUNCTION update_applies(jsonb, text, text, text)');
  }
}
