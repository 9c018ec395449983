import { Client } from 'pg';

export interface SeedSize {
  computers: number;
  updates: number;
  groups: number;
  approvals: number;
  /** install approvals at the root, i.e. roughly the size of every computer's offer */
  offerSize: number;
}

export const ROOT_GROUP = '00000000-0000-4000-8000-000000000001';
export const benchToken = (n: number) => `pgc_bench_${n}`;

/**
 * Seeds a fleet straight into PostgreSQL (the API would take minutes for 100,000 registrations):
 * a catalog of Windows x64 updates, a two-level group tree under All Computers, computers spread
 * over the leaf groups with known tokens, and approvals: `offerSize` installs at the root that every
 * computer gets, the rest spread over groups (installs, and declines that override the root).
 * Approvals are inserted without approval-log entries: this measures the check-in path, not the log.
 */
export async function seedFleet(databaseUrl: string, size: SeedSize): Promise<void> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    await db.query(`
      INSERT INTO updates (update_id, current_revision, title, description, kb, cves, classification, products, severity,
                           released_at, supersedes, prerequisites, reboot, user_input, requires_eula, files, applicability, state)
      SELECT gen_random_uuid(), 1, 'Bench update ' || n, 'synthetic', ARRAY['KB' || (5000000 + n)], '{}',
             (ARRAY['security','critical','update','definition','driver'])[1 + n % 5], ARRAY['Windows/Windows 11'],
             (ARRAY['critical','important','moderate','low'])[1 + n % 4], now() - (n || ' minutes')::interval, '{}', '{}',
             'maybe', false, false,
             jsonb_build_array(jsonb_build_object('name', 'kb' || n || '.msu', 'url', 'https://updates.example.invalid/kb' || n || '.msu',
                                                  'sha256', encode(sha256(convert_to('file' || n, 'UTF8')), 'hex'), 'size', 1000000 + n)),
             '{"osFamily":["windows"],"arch":["x64"],"minOsVersion":"10.0.22631"}', 'active'
        FROM generate_series(1, $1) AS n`, [size.updates]);
    await db.query(`
      INSERT INTO update_revisions (update_id, revision, document, content_hash, state, requires_eula)
      SELECT update_id, 1, jsonb_build_object('updateId', update_id, 'title', title), repeat('0', 64), 'active', false FROM updates`);
    const regions = Math.max(1, Math.round(Math.sqrt(size.groups)));
    await db.query(`
      INSERT INTO computer_groups (id, name, parent_id, path, depth)
      SELECT id, 'Region ' || n, $1::uuid, ARRAY[$1::uuid, id], 1 FROM (SELECT gen_random_uuid() AS id, n FROM generate_series(1, $2) AS n) r`,
      [ROOT_GROUP, regions]);
    await db.query(`
      INSERT INTO computer_groups (id, name, parent_id, path, depth)
      SELECT s.id, 'Site ' || s.n, s.parent, ARRAY[$1::uuid, s.parent, s.id], 2
        FROM (SELECT gen_random_uuid() AS id, n, (SELECT array_agg(id ORDER BY id) FROM computer_groups WHERE depth = 1 AND name LIKE 'Region %') AS regions
                FROM generate_series(1, $2) AS n) AS g
        CROSS JOIN LATERAL (SELECT g.id, g.n, g.regions[1 + g.n % cardinality(g.regions)] AS parent) AS s`,
      [ROOT_GROUP, Math.max(1, size.groups - regions - 2)]);
    await db.query(`
      INSERT INTO computers (hostname, os_family, os_version, arch, agent_version, group_id, token_hash)
      SELECT 'bench-' || n, 'windows', '10.0.26100', 'x64', 'bench', sites.ids[1 + n % cardinality(sites.ids)],
             encode(sha256(convert_to('pgc_bench_' || n, 'UTF8')), 'hex')
        FROM generate_series(1, $1) AS n,
             (SELECT array_agg(id ORDER BY id) AS ids FROM computer_groups WHERE depth = 2) AS sites`,
      [size.computers]);
    // Every computer's offer: the newest offerSize updates, approved at the root.
    await db.query(`
      INSERT INTO approvals (update_id, group_id, decision, revision, source, updated_by)
      SELECT update_id, $1, 'install', 1, 'manual', 'bench' FROM updates ORDER BY released_at DESC LIMIT $2`,
      [ROOT_GROUP, size.offerSize]);
    // The rest over the sites: installs of older updates, declines of a few root-approved ones.
    await db.query(`
      INSERT INTO approvals (update_id, group_id, decision, reason, revision, source, updated_by)
      SELECT u.update_id, s.id, CASE WHEN k % 10 = 0 THEN 'decline' ELSE 'install' END,
             CASE WHEN k % 10 = 0 THEN 'bench' END, 1, 'manual', 'bench'
        FROM generate_series(1, $1) AS k
        CROSS JOIN LATERAL (SELECT id FROM computer_groups WHERE depth = 2 ORDER BY id OFFSET (k % ($2 - 1)) LIMIT 1) s
        CROSS JOIN LATERAL (SELECT update_id FROM updates ORDER BY released_at DESC OFFSET (CASE WHEN k % 10 = 0 THEN k % $3 ELSE $3 + k END) LIMIT 1) u
      ON CONFLICT DO NOTHING`,
      [size.approvals - size.offerSize, Math.max(2, size.groups - regions - 2), size.offerSize]);
    // The default content mode (on_approval) offers an update once its files are stored: the files
    // of every update count as downloaded and verified, so offers carry Patchgate's file URLs.
    await db.query(`
      INSERT INTO content_files (sha256, size, url, source, status, stored_at)
      SELECT DISTINCT ON (f->>'sha256') f->>'sha256', (f->>'size')::bigint, f->>'url', u.update_id || ':' || u.current_revision, 'stored', now()
        FROM updates u CROSS JOIN LATERAL jsonb_array_elements(u.files) f
      ON CONFLICT DO NOTHING`);
    await db.query('ANALYZE');
  } finally {
    await db.end();
  }
}
