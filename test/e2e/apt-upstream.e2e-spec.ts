import { createHash } from 'node:crypto';
import { createEnrollmentKey, registrationBody } from '../factories/computers.factory';
import { approve } from '../factories/approvals.factory';
import { AptArchive, AptArchiveServer, BuiltPackage, makeSigningKey, SuiteSpec } from '../support/apt-archive';
import { eventually } from '../support/eventually';
import { catalogChecksum, runSync, SyncRun } from '../support/sync';
import { startTestApp, TestApp } from '../support/test-app';

const DAY = 24 * 3600 * 1000;
const T0 = new Date(Date.now() - 30 * DAY);
const at = (days: number) => new Date(T0.getTime() + days * DAY);

interface UpdateSummary {
  updateId: string;
  title: string;
  classification: string;
  state: string;
  baseline: boolean;
  products: string[];
}

/**
 * The `apt` upstream against a small archive built and signed in the test (test/support/apt-archive.ts):
 * Debian's layout, with -security under a second base URL.
 */
describe('apt upstream', () => {
  let app: TestApp;
  let admin: string;
  let main: AptArchive;
  let security: AptArchive;
  let mainServer: AptArchiveServer;
  let securityServer: AptArchiveServer;
  const pkgs: Record<string, BuiltPackage> = {};
  let bookworm: SuiteSpec;
  let updates: SuiteSpec;
  let securitySuite: SuiteSpec;

  const upstream = (extra: Record<string, unknown> = {}) => ({
    kind: 'apt',
    sources: [
      { url: mainServer.baseUrl, suites: ['bookworm', 'bookworm-updates'], components: ['main'] },
      { url: securityServer.baseUrl, suites: ['bookworm-security'], components: ['main'] },
    ],
    architectures: ['amd64'],
    keyring: main.key.armoredPublicKey,
    ...extra,
  });
  const configure = async (extra: Record<string, unknown> = {}) => {
    const res = await app.http.put('/api/v1/sync/config', { upstream: upstream(extra) }, { token: admin });
    expect(res.status).toBe(200);
    return res;
  };
  const list = async (query = ''): Promise<UpdateSummary[]> => {
    const res = await app.http.get(`/api/v1/updates?limit=500${query}`, { token: admin });
    expect(res.status).toBe(200);
    return res.body.items;
  };
  const byTitle = async (query = '') => new Map((await list(query)).map((u) => [u.title, u]));
  const detail = async (updateId: string) => (await app.http.get(`/api/v1/updates/${updateId}`, { token: admin })).body;
  const runDetail = async (id: string) => (await app.http.get(`/api/v1/sync/runs/${id}`, { token: admin })).body;
  const aptState = async () =>
    JSON.stringify(
      await app.db.query(`SELECT
        (SELECT string_agg(concat_ws('|', base_url, suite, release_date, release_sha256, etag), ',' ORDER BY base_url, suite) FROM apt_suites) AS suites,
        (SELECT count(*) FROM apt_packages) AS packages, (SELECT count(*) FROM apt_updates) AS updates,
        (SELECT string_agg(update_id::text, ',' ORDER BY update_id) FROM updates WHERE baseline) AS baseline`),
    );

  beforeAll(async () => {
    main = await AptArchive.create();
    security = await AptArchive.create(main.key);
    pkgs.libssl = main.buildDeb({ package: 'libssl3', source: 'openssl', version: '3.0.15-1~deb12u1', architecture: 'amd64' });
    pkgs.openssl = main.buildDeb({ package: 'openssl', version: '3.0.15-1~deb12u1', architecture: 'amd64' });
    pkgs.sudo = main.buildDeb({ package: 'sudo', version: '1.9.13p3-1+deb12u1', architecture: 'amd64' });
    pkgs.tzdata = main.buildDeb({ package: 'tzdata', version: '2024a-0+deb12u1', architecture: 'all' });
    pkgs.hello = main.buildDeb({ package: 'hello', version: '2.10-3', architecture: 'amd64' });
    pkgs.helloArm = main.buildDeb({ package: 'hello', version: '2.10-3', architecture: 'arm64' });
    pkgs.tzdataNew = main.buildDeb({ package: 'tzdata', version: '2025a-0+deb12u1', architecture: 'all' });
    pkgs.secLibssl = security.buildDeb({ package: 'libssl3', source: 'openssl', version: '3.0.16-1~deb12u1', architecture: 'amd64' });
    pkgs.secOpenssl = security.buildDeb({ package: 'openssl', version: '3.0.16-1~deb12u1', architecture: 'amd64' });
    bookworm = {
      suite: 'bookworm', version: '12.7', date: at(0), architectures: ['amd64', 'arm64'],
      components: { main: [pkgs.libssl, pkgs.openssl, pkgs.sudo, pkgs.tzdata, pkgs.hello, pkgs.helloArm] },
    };
    updates = { suite: 'bookworm-updates', version: '12-updates', codename: 'bookworm-updates', date: at(1), validUntil: at(400), architectures: ['amd64', 'arm64'], components: { main: [pkgs.tzdataNew] } };
    securitySuite = {
      suite: 'bookworm-security', label: 'Debian-Security', version: '12', codename: 'bookworm-security', date: at(2), validUntil: at(400),
      architectures: ['amd64', 'arm64'], components: { main: [pkgs.secLibssl, pkgs.secOpenssl] },
    };
    await main.publishSuite(bookworm);
    await main.publishSuite(updates);
    await security.publishSuite(securitySuite);
    mainServer = await AptArchiveServer.start(main.files, '/debian');
    securityServer = await AptArchiveServer.start(security.files, '/debian-security');
    app = await startTestApp({ withWorker: true, env: { PATCHGATE_SYNC_HTTP_ATTEMPTS: '1' } });
    admin = await app.login();
  });
  afterAll(async () => {
    await app?.close();
    await mainServer?.close();
    await securityServer?.close();
    main?.close();
    security?.close();
  });

  describe('configuration', () => {
    it('refuses a config with no key, a keyring that is not one, fields of another kind, and a bad suite name', async () => {
      const before = (await app.http.get('/api/v1/sync/config', { token: admin })).body;
      const cases: [Record<string, unknown>, string][] = [
        [{ keyring: undefined }, 'upstream.keyring'],
        [{ keyring: 'not a key' }, 'upstream.keyring'],
        [{ url: 'http://x.example/debian' }, 'upstream.url'],
        [{ token: 'secret' }, 'upstream.token'],
        [{ sources: [{ url: 'ftp://m.example/debian', suites: ['bookworm'], components: ['main'] }] }, 'upstream.sources.0.url'],
        [{ sources: [{ url: 'http://m.example/debian', suites: ['../etc'], components: ['main'] }] }, 'upstream.sources.0.suites'],
        [{ architectures: ['all'] }, 'upstream.architectures'],
      ];
      for (const [extra, field] of cases) {
        const res = await app.http.put('/api/v1/sync/config', { upstream: upstream(extra) }, { token: admin });
        expect(res.status).toBe(400);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
        expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      }
      expect((await app.http.get('/api/v1/sync/config', { token: admin })).body).toEqual(before);
    });

    it('stores sources, architectures and the keyring, and shows the keys (never the token)', async () => {
      const res = await configure();
      expect(res.body.upstream).toMatchObject({
        kind: 'apt',
        url: mainServer.baseUrl,
        hasToken: false,
        architectures: ['amd64'],
        sourcePackages: [],
        sources: upstream().sources,
        keys: [{ fingerprint: expect.stringMatching(/^[0-9A-F]{40}$/), userIds: ['Test Archive Signing Key <archive@example.test>'] }],
      });
    });
  });

  describe('syncing', () => {
    let first: SyncRun;
    let ids: Map<string, UpdateSummary>;

    it('first sync: the release suite is the baseline; -updates and -security versions are updates', async () => {
      await configure();
      first = await runSync(app, admin);
      expect(first).toMatchObject({ status: 'succeeded', newUpdates: 6, error: null });
      ids = await byTitle();
      expect([...ids.keys()].sort()).toEqual([
        'hello 2.10-3', 'openssl 3.0.15-1~deb12u1', 'openssl 3.0.16-1~deb12u1', 'sudo 1.9.13p3-1+deb12u1', 'tzdata 2024a-0+deb12u1', 'tzdata 2025a-0+deb12u1',
      ]);
      expect((await list('&baseline=true')).map((u) => u.title).sort()).toEqual(['hello 2.10-3', 'openssl 3.0.15-1~deb12u1', 'sudo 1.9.13p3-1+deb12u1', 'tzdata 2024a-0+deb12u1']);
      expect((await list('&baseline=false')).map((u) => u.title).sort()).toEqual(['openssl 3.0.16-1~deb12u1', 'tzdata 2025a-0+deb12u1']);

      const sec = await detail(ids.get('openssl 3.0.16-1~deb12u1')!.updateId);
      expect(sec.current).toMatchObject({ classification: 'security', products: ['Debian/Debian 12'], state: 'active', title: 'openssl 3.0.16-1~deb12u1' });
      expect(sec.files).toEqual([
        { name: 'libssl3_3.0.16-1~deb12u1_amd64.deb', url: `${securityServer.baseUrl}/${pkgs.secLibssl.filename}`, size: pkgs.secLibssl.bytes!.length, sha256: sha(pkgs.secLibssl.bytes!) },
        { name: 'openssl_3.0.16-1~deb12u1_amd64.deb', url: `${securityServer.baseUrl}/${pkgs.secOpenssl.filename}`, size: pkgs.secOpenssl.bytes!.length, sha256: sha(pkgs.secOpenssl.bytes!) },
      ]);
      expect(sec.supersedes.map((s: { updateId: string }) => s.updateId)).toEqual([ids.get('openssl 3.0.15-1~deb12u1')!.updateId]);
      const [revision] = await app.db.query('SELECT document FROM update_revisions WHERE update_id = $1', [sec.updateId]);
      expect(revision.document.applicability).toEqual({ arch: ['amd64'], minOsVersion: '12', osFamily: ['debian'] });
      expect((await detail(ids.get('tzdata 2025a-0+deb12u1')!.updateId)).current.classification).toBe('update');
      // arm64 binaries are not configured: hello's update has only the amd64 .deb.
      expect((await detail(ids.get('hello 2.10-3')!.updateId)).files.map((f: { name: string }) => f.name)).toEqual(['hello_2.10-3_amd64.deb']);

      // The verified stanzas, for the APT repositories.
      const stanzas = await app.db.query('SELECT package, architecture, suite, component, filename, stanza FROM apt_packages WHERE update_id = $1 ORDER BY package', [sec.updateId]);
      expect(stanzas).toEqual([
        { package: 'libssl3', architecture: 'amd64', suite: 'bookworm-security', component: 'main', filename: pkgs.secLibssl.filename, stanza: pkgs.secLibssl.stanza },
        { package: 'openssl', architecture: 'amd64', suite: 'bookworm-security', component: 'main', filename: pkgs.secOpenssl.filename, stanza: pkgs.secOpenssl.stanza },
      ]);
      const log = (await runDetail(first.id)).upstreamLog;
      expect(log.suites.map((s: { suite: string; release: string; signedBy: string }) => [s.suite, s.release, s.signedBy])).toEqual([
        ['bookworm', 'fetched', 'InRelease'], ['bookworm-updates', 'fetched', 'InRelease'], ['bookworm-security', 'fetched', 'InRelease'],
      ]);
      expect(log.suites[0].indexes).toEqual([{ path: 'main/binary-amd64/Packages.gz', bytes: expect.any(Number), byHash: true }]);
      expect(log.bytesFetched).toBeGreaterThan(0);
    });

    it('an unchanged archive costs one conditional request per suite and writes nothing', async () => {
      const before = { catalog: await catalogChecksum(app.db), rows: await rowVersions(app), apt: await aptState() };
      const requestsBefore = [mainServer.requests.length, securityServer.requests.length];
      const run = await runSync(app, admin);
      expect(run).toMatchObject({ status: 'succeeded', newUpdates: 0, revisedUpdates: 0, expiredUpdates: 0 });
      expect({ catalog: await catalogChecksum(app.db), rows: await rowVersions(app), apt: await aptState() }).toEqual(before);
      const requests = [...mainServer.requests.slice(requestsBefore[0]), ...securityServer.requests.slice(requestsBefore[1])];
      expect(requests.map((r) => [r.path.replace(/^\/debian(-security)?\/dists\//, ''), r.status]).sort()).toEqual([
        ['bookworm-security/InRelease', 304], ['bookworm-updates/InRelease', 304], ['bookworm/InRelease', 304],
      ]);
      expect((await runDetail(run.id)).upstreamLog.suites.map((s: { release: string }) => s.release)).toEqual(['not-modified', 'not-modified', 'not-modified']);
    });

    it('a point release: a new version in the release suite is an update superseding the baseline one, and the removed version expires', async () => {
      pkgs.sudoNew = main.buildDeb({ package: 'sudo', version: '1.9.13p3-1+deb12u4', architecture: 'amd64' });
      bookworm = { ...bookworm, version: '12.8', date: at(10), components: { main: [pkgs.libssl, pkgs.openssl, pkgs.sudoNew, pkgs.tzdata, pkgs.hello, pkgs.helloArm] } };
      await main.publishSuite(bookworm);
      const hello = ids.get('hello 2.10-3')!.updateId;
      const [helloRow] = await app.db.query('SELECT xmin::text FROM updates WHERE update_id = $1', [hello]);
      const requestsBefore = mainServer.requests.length;

      const run = await runSync(app, admin);
      expect(run).toMatchObject({ status: 'succeeded', newUpdates: 1, expiredUpdates: 1, revisedUpdates: 0 });
      const now = await byTitle();
      const sudoNew = now.get('sudo 1.9.13p3-1+deb12u4')!;
      expect(sudoNew).toMatchObject({ baseline: false, classification: 'update', state: 'active' });
      expect(now.get('sudo 1.9.13p3-1+deb12u1')).toMatchObject({ baseline: true, state: 'expired' });
      expect((await detail(sudoNew.updateId)).supersedes.map((s: { updateId: string }) => s.updateId)).toEqual([ids.get('sudo 1.9.13p3-1+deb12u1')!.updateId]);
      // Only what changed was written; the changed index came by hash.
      const [helloAfter] = await app.db.query('SELECT xmin::text FROM updates WHERE update_id = $1', [hello]);
      expect(helloAfter).toEqual(helloRow);
      const fetched = mainServer.requests.slice(requestsBefore).filter((r) => r.status === 200).map((r) => r.path);
      expect(fetched).toContain(`/debian/dists/bookworm/main/binary-amd64/by-hash/SHA256/${sha(main.files.get('dists/bookworm/main/binary-amd64/Packages.gz')!)}`);
    });

    it('a -security version is a security update superseding every older one; the version the suite dropped expires', async () => {
      pkgs.secLibssl2 = security.buildDeb({ package: 'libssl3', source: 'openssl', version: '3.0.17-1~deb12u1', architecture: 'amd64' });
      pkgs.secOpenssl2 = security.buildDeb({ package: 'openssl', version: '3.0.17-1~deb12u1', architecture: 'amd64' });
      securitySuite = { ...securitySuite, date: at(11), components: { main: [pkgs.secLibssl2, pkgs.secOpenssl2] } };
      await security.publishSuite(securitySuite);
      const run = await runSync(app, admin);
      expect(run).toMatchObject({ status: 'succeeded', newUpdates: 1, expiredUpdates: 1 });
      const now = await byTitle();
      const newest = now.get('openssl 3.0.17-1~deb12u1')!;
      expect(newest).toMatchObject({ classification: 'security', baseline: false, state: 'active' });
      expect(now.get('openssl 3.0.16-1~deb12u1')!.state).toBe('expired');
      expect((await detail(newest.updateId)).supersedes.map((s: { updateId: string }) => s.updateId).sort()).toEqual(
        [ids.get('openssl 3.0.15-1~deb12u1')!.updateId, ids.get('openssl 3.0.16-1~deb12u1')!.updateId].sort(),
      );
    });

    it('the check-in offers an approved APT update with its .deb files, and never a baseline package', async () => {
      const groups = (await app.http.get('/api/v1/groups', { token: admin })).body;
      const root = (groups.items ?? groups).find((g: { name: string }) => g.name === 'All Computers');
      const now = await byTitle();
      const newest = now.get('openssl 3.0.17-1~deb12u1')!;
      const baseline = now.get('hello 2.10-3')!;
      await approve(app, admin, { updateId: newest.updateId, groupId: root.id, decision: 'install' });
      await approve(app, admin, { updateId: baseline.updateId, groupId: root.id, decision: 'install' });
      const { key } = await createEnrollmentKey(app, admin);
      const reg = await app.http.post('/client/v1/register', registrationBody(key, { os: { family: 'debian', version: '12' }, arch: 'amd64' }));
      expect(reg.status).toBe(201);
      // The tests' content mode is none: the offer points at the archive's .debs.
      const offer = await eventually(
        async () => (await app.http.post('/client/v1/checkin', {}, { token: reg.body.token })).body,
        (body) => body.updates?.length > 0,
      );
      expect(offer.updates.map((u: { updateId: string }) => u.updateId)).toEqual([newest.updateId]);
      expect(offer.updates[0].files.map((f: { name: string; sha256: string }) => [f.name, f.sha256])).toEqual([
        ['libssl3_3.0.17-1~deb12u1_amd64.deb', sha(pkgs.secLibssl2.bytes!)],
        ['openssl_3.0.17-1~deb12u1_amd64.deb', sha(pkgs.secOpenssl2.bytes!)],
      ]);
      expect(offer.updates[0].files[0].url).toBe(`${securityServer.baseUrl}/${pkgs.secLibssl2.filename}`);
      const file = await fetch(offer.updates[0].files[0].url);
      expect(sha(Buffer.from(await file.arrayBuffer()))).toBe(sha(pkgs.secLibssl2.bytes!));
    });
  });

  describe('refusals: the run fails, naming why, and changes nothing', () => {
    let goodMain: Map<string, Buffer>;
    let goodSecurity: Map<string, Buffer>;
    beforeAll(() => {
      goodMain = new Map(main.files);
      goodSecurity = new Map(security.files);
    });
    afterEach(() => {
      mainServer.answerWith(null);
      mainServer.serve(goodMain);
      securityServer.serve(goodSecurity);
    });

    /** Publishes a variant of bookworm-updates (a new tzdata, later Date) into a copy of the archive and serves it. */
    async function variant(change: Partial<SuiteSpec>, tamper?: (files: Map<string, Buffer>) => void): Promise<void> {
      const copy = await AptArchive.create(main.key);
      for (const [path, bytes] of goodMain) copy.files.set(path, bytes);
      const tz = copy.buildDeb({ package: 'tzdata', version: '2025b-0+deb12u1', architecture: 'all' });
      await copy.publishSuite({ ...updates, date: at(20), components: { main: [tz] }, ...change });
      tamper?.(copy.files);
      mainServer.serve(copy.files);
      copy.close();
    }

    async function expectRefused(pattern: RegExp): Promise<void> {
      const before = { catalog: await catalogChecksum(app.db), apt: await aptState() };
      const run = await runSync(app, admin);
      expect(run.status).toBe('failed');
      expect(run.error).toMatch(pattern);
      expect({ catalog: await catalogChecksum(app.db), apt: await aptState() }).toEqual(before);
    }

    it('a bad signature', async () => {
      await variant({}, (files) => {
        const text = files.get('dists/bookworm-updates/InRelease')!.toString().replace('Suite: bookworm-updates', 'Suite: bookworm-updatez');
        files.set('dists/bookworm-updates/InRelease', Buffer.from(text));
      });
      await expectRefused(/suite bookworm-updates of .*: InRelease: signature refused/);
    });

    it('a signature by a key not in the keyring', async () => {
      await variant({ signWith: await makeSigningKey('Someone Else') });
      await expectRefused(/bookworm-updates.*signature refused: signed by a key that is not in the configured keyring/);
    });

    it('unsigned metadata (no InRelease, no Release.gpg)', async () => {
      await variant({ signing: 'unsigned' });
      await expectRefused(/bookworm-updates.*no InRelease and no Release\.gpg \(unsigned\)/);
    });

    it('a replayed older Date', async () => {
      await variant({ date: at(0.5) });
      await expectRefused(/bookworm-updates.*Release Date .* is older than the last accepted .*replayed/);
    });

    it('an expired Valid-Until', async () => {
      await variant({ validUntil: new Date(Date.now() - 3600_000) });
      await expectRefused(/bookworm-updates.*expired at its Valid-Until/);
    });

    it('a tampered index (its SHA256 differs from the Release)', async () => {
      await variant({}, (files) => {
        for (const [path, bytes] of files) {
          if (path.startsWith('dists/bookworm-updates/main/binary-amd64/') && path.includes('by-hash')) files.set(path, Buffer.concat([bytes.subarray(0, -1), Buffer.from([bytes[bytes.length - 1] ^ 1])]));
        }
      });
      await expectRefused(/bookworm-updates.*Packages\.gz SHA256 differs from the signed Release \(tampered\)/);
    });

    it('an index over the configured size limit', async () => {
      await configure({ maxIndexBytes: 1024 });
      await variant({ components: { main: Array.from({ length: 40 }, (_, i) => main.stanzaOnly({ package: `big${i}`, version: '1.0-1', architecture: 'amd64' })) } });
      try {
        await expectRefused(/bookworm-updates.*over the configured index limit of 1024 bytes/);
      } finally {
        await configure();
      }
    });

    it('an endless index body', async () => {
      await variant({});
      mainServer.answerWith((path) => (path.includes('bookworm-updates/main/binary-amd64/by-hash') ? { endless: 'Package: x\n' } : undefined));
      await expectRefused(/bookworm-updates.*longer than the signed Release says/);
    });

    it('a truncated index body', async () => {
      await variant({});
      mainServer.answerWith((path) => (path.includes('bookworm-updates/main/binary-amd64/by-hash') ? { truncateAt: 10 } : undefined));
      await expectRefused(/bookworm-updates/);
    });

    it('a stanza without SHA256', async () => {
      const broken = { ...main.stanzaOnly({ package: 'broken', version: '1.0-1', architecture: 'amd64' }) };
      broken.stanza = broken.stanza.replace(/\nSHA256: .*/, '');
      await variant({ components: { main: [broken] } });
      await expectRefused(/bookworm-updates.*stanza of broken lacks SHA256/);
    });

    it('accepts the archive again once it is sound (nothing was remembered from the refused runs)', async () => {
      const run = await runSync(app, admin);
      expect(run).toMatchObject({ status: 'succeeded', newUpdates: 0, expiredUpdates: 0 });
    });

    it('without InRelease, verifies Release against Release.gpg', async () => {
      await variant({ signing: 'detached' });
      const run = await runSync(app, admin);
      expect(run).toMatchObject({ status: 'succeeded', newUpdates: 1, expiredUpdates: 1 });
      expect((await byTitle()).get('tzdata 2025b-0+deb12u1')).toMatchObject({ baseline: false, state: 'active' });
      const log = (await runDetail(run.id)).upstreamLog;
      expect(log.suites.find((x: { suite: string }) => x.suite === 'bookworm-updates')).toMatchObject({ release: 'fetched', signedBy: 'Release.gpg' });
    });
  });

  describe('source package filter', () => {
    it('makes updates of the listed source packages only', async () => {
      await app.db.query('TRUNCATE update_revisions, updates, products, sync_run_updates, apt_packages, apt_updates, apt_suites, apt_releases CASCADE');
      const res = await configure({ sourcePackages: ['openssl'] });
      expect(res.body.upstream.sourcePackages).toEqual(['openssl']);
      const run = await runSync(app, admin);
      expect(run).toMatchObject({ status: 'succeeded', newUpdates: 2 });
      expect([...(await byTitle()).keys()].sort()).toEqual(['openssl 3.0.15-1~deb12u1', 'openssl 3.0.17-1~deb12u1']);
    });
  });
});

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function rowVersions(app: TestApp): Promise<string> {
  const [row] = await app.db.query(`SELECT
    (SELECT string_agg(concat_ws(':', update_id, xmin::text, change_seq), ',' ORDER BY update_id) FROM updates) AS updates,
    (SELECT string_agg(concat_ws(':', update_id, revision, xmin::text), ',' ORDER BY update_id, revision) FROM update_revisions) AS revisions,
    (SELECT last_value FROM catalog_change_seq) AS seq`);
  return JSON.stringify(row);
}
