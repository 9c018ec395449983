import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The dpkg inventory apt machines report in their check-ins (docs/debian.md, "Reports"): the
 * installed binary packages, one row each, and a digest per computer so an unchanged list is
 * not rewritten.
 */
export class CreateDpkgInventories1763796162000 implements MigrationInterface {
  name = 'CreateDpkgInventories1763796162000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE dpkg_inventories (
        computer_id uuid PRIMARY KEY REFERENCES computers (id) ON DELETE CASCADE,
        digest char(64) NOT NULL,
        package_count integer NOT NULL,
        reported_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE dpkg_installed_packages (
        computer_id uuid NOT NULL REFERENCES computers (id) ON DELETE CASCADE,
        name varchar(128) NOT NULL,
        arch varchar(32) NOT NULL,
        version varchar(128) NOT NULL,
        PRIMARY KEY (computer_id, name, arch)
      )`);
    // Which computers have a package installed (deriving installed / needed per update).
    await db.query('CREATE INDEX dpkg_installed_packages_by_name ON dpkg_installed_packages (name, arch)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE dpkg_installed_packages');
    await db.query('DROP TABLE dpkg_inventories');
  }
}
