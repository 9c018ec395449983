import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { InstalledBinary } from './apt-install-state';

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

  async findPackages(computerId: string): Promise<InstalledBinary[]> {
    return this.dataSource.query('SELECT name, arch, version FROM dpkg_installed_packages WHERE computer_id = $1 ORDER BY name, arch', [computerId]);
  }
}
