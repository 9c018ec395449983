import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { InstalledBinary } from './apt-install-state';

/** Marks the install states this module derives, so it only ever removes its own. */
const DERIVED_MESSAGE = 'from the dpkg inventory';

@Injectable()
export class DpkgInventoryRepository {
  constructor(private readonly dataSource: DataSource) {}

  async findDigest(computerId: string): Promise<string | null> {
    const [row]: { digest: string }[] = await this.dataSource.query('SELECT digest FROM dpkg_inventories WHERE computer_id = $1', [computerId]);
    return row?.digest ?? null;
  }

  /** Replaces the computer's installed packages with `packages` (one transaction; arrays, not one INSERT per row). */
  async replace(computerId: string, digest: string, packages: InstalledBinary[]): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT 1 FROM computers WHERE id = $1 FOR UPDATE', [computerId]);
      await manager.query('DELETE FROM dpkg_installed_packages WHERE computer_id = $1', [computerId]);
      await manager.query(
        `INSERT INTO dpkg_installed_packages (computer_id, name, arch, version)
         SELECT $1, name, arch, version FROM unnest($2::varchar[], $3::varchar[], $4::varchar[]) AS p(name, arch, version)
         ON CONFLICT (computer_id, name, arch) DO UPDATE SET version = EXCLUDED.version`,
        [computerId, packages.map((p) => p.name), packages.map((p) => p.arch), packages.map((p) => p.version)],
      );
      await manager.query(
        `INSERT INTO dpkg_inventories (computer_id, digest, package_count, reported_at) VALUES ($1, $2, $3, now())
         ON CONFLICT (computer_id) DO UPDATE SET digest = EXCLUDED.digest, package_count = EXCLUDED.package_count, reported_at = now()`,
        [computerId, digest, packages.length],
      );
    });
  }

  /**
   * Install states derived from the dpkg inventory (docs/debian.md, "Reports"): `installed` and
   * `not_applicable` are written as the latest report (a newer seq than any before); for `needed`
   * an earlier derived state is removed, so reports count the update as needed while it is approved.
   * The computer is locked `FOR KEY SHARE` first, as every writer of install_states does (migration
   * StatusWritesWithoutRowChecks: no foreign key checks the rows): a computer deleted meanwhile gets
   * no states, and one being deleted waits for this transaction and then takes its states with it.
   */
  async writeDerivedStates(computerId: string, states: { updateId: string; revision: number; state: 'installed' | 'needed' | 'not_applicable' }[]): Promise<void> {
    const written = states.filter((s) => s.state !== 'needed');
    const needed = states.filter((s) => s.state === 'needed').map((s) => s.updateId);
    const seq = Date.now() * 1000;
    await this.dataSource.transaction(async (manager) => {
      const present: unknown[] = await manager.query('SELECT 1 FROM computers WHERE id = $1 FOR KEY SHARE', [computerId]);
      if (!present.length) return;
      if (written.length) {
        await manager.query(
          `INSERT INTO install_states (computer_id, update_id, revision, state, message, occurred_at, seq)
           SELECT $1, u, r, s, '${DERIVED_MESSAGE}', now(), $5 FROM unnest($2::uuid[], $3::int[], $4::varchar[]) AS t(u, r, s)
           ON CONFLICT (computer_id, update_id) DO UPDATE
             SET revision = excluded.revision, state = excluded.state, error_code = NULL, message = excluded.message,
                 occurred_at = excluded.occurred_at, seq = excluded.seq, received_at = now()
           WHERE install_states.seq < excluded.seq`,
          [computerId, written.map((s) => s.updateId), written.map((s) => s.revision), written.map((s) => s.state), seq],
        );
      }
      if (needed.length) {
        await manager.query(`DELETE FROM install_states WHERE computer_id = $1 AND update_id = ANY($2::uuid[]) AND message = '${DERIVED_MESSAGE}'`, [computerId, needed]);
      }
    });
  }

  async findPackages(computerId: string): Promise<InstalledBinary[]> {
    return this.dataSource.query('SELECT name, arch, version FROM dpkg_installed_packages WHERE computer_id = $1 ORDER BY name, arch', [computerId]);
  }
}
