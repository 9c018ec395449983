import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { approve } from '../factories/approvals.factory';
import { createGroup } from '../factories/groups.factory';
import { AptArchive, AptArchiveServer, BuiltPackage, SuiteSpec } from '../support/apt-archive';
import { runSync, syncDebianArchives } from '../support/sync';
import { startTestApp, TestApp } from '../support/test-app';

const DAY = 24 * 3600 * 1000;
const T0 = new Date(Date.now() - 30 * DAY);
const at = (days: number) => new Date(T0.getTime() + days * DAY);

interface Check {
  installable: boolean;
  unmet: string[];
  packages: string[];
}

/**
 * The APT dependency check as the server keeps it: one scratch root per release and architecture,
 * reused from check to check (src/modules/apt-repository/dependencies/apt-dependency.service.ts).
 * Every answer must be the one a fresh root would give: after approvals come and go, in other
 * groups, at the same time, and after a sync that changes the baseline (docs/debian.md, "Dependencies").
 */
describe('APT dependency check (a reused scratch root)', () => {
  let app: TestApp;
  let admin: string;
  let main: AptArchive;
  let security: AptArchive;
  let mainServer: AptArchiveServer;
  let securityServer: AptArchiveServer;
  let bookworm: SuiteSpec;
  let pilot: string;
  let office: string;
  const ids = new Map<string, string>();
  const pkgs: Record<string, BuiltPackage> = {};

  const roots = () => readdirSync(tmpdir()).filter((name) => name.startsWith(`pg-apt-depcheck-${process.pid}-`));
  const check = async (title: string, groupId: string): Promise<Check> => {
    const res = await app.http.get(`/api/v1/apt/dependencies?updateId=${ids.get(title)}&groupId=${groupId}`, { token: admin });
    expect(res.status).toBe(200);
    return res.body;
  };
  const decide = async (title: string, groupId: string, decision: 'install' | 'none') =>
    (await approve(app, admin, { updateId: ids.get(title)!, groupId, decision })).aptDependencies as Check | undefined;
  const loadIds = async () => {
    const items = (await app.http.get('/api/v1/updates?limit=500', { token: admin })).body.items as { updateId: string; title: string }[];
    for (const u of items) ids.set(u.title, u.updateId);
  };

  beforeAll(async () => {
    app = await startTestApp({ withWorker: true });
    admin = await app.login();
    main = await AptArchive.create();
    security = await AptArchive.create(main.key);
    pkgs.bar = main.stanzaOnly({ package: 'bar', version: '1.0-1', architecture: 'amd64', fields: { Depends: 'libbaz1 (>= 1.0-1)' } });
    pkgs.baz = main.stanzaOnly({ package: 'libbaz1', source: 'baz', version: '1.0-1', architecture: 'amd64' });
    pkgs.qux = main.stanzaOnly({ package: 'libqux1', source: 'qux', version: '1.0-1', architecture: 'amd64' });
    pkgs.quxtool = main.stanzaOnly({ package: 'quxtool', version: '1.0-1', architecture: 'amd64', fields: { Depends: 'libqux1 (>= 1.0-1)' } });
    pkgs.secBar = security.stanzaOnly({ package: 'bar', version: '1.1-1', architecture: 'amd64', fields: { Depends: 'libbaz1 (>= 1.1-1)' } });
    pkgs.secBaz = security.stanzaOnly({ package: 'libbaz1', source: 'baz', version: '1.1-1', architecture: 'amd64' });
    pkgs.secQuxtool = security.stanzaOnly({ package: 'quxtool', version: '1.1-1', architecture: 'amd64', fields: { Depends: 'libqux1 (>= 1.0-1)' } });
    bookworm = { suite: 'bookworm', version: '12.7', date: at(0), architectures: ['amd64'], allInArchIndexes: true, components: { main: [pkgs.bar, pkgs.baz, pkgs.qux, pkgs.quxtool] } };
    await main.publishSuite(bookworm);
    await security.publishSuite({
      suite: 'bookworm-security', label: 'Debian-Security', version: '12', codename: 'bookworm-security', date: at(2), validUntil: at(400),
      architectures: ['amd64'], components: { main: [pkgs.secBar, pkgs.secBaz, pkgs.secQuxtool] },
    });
    mainServer = await AptArchiveServer.start(main.files, '/debian');
    securityServer = await AptArchiveServer.start(security.files, '/debian-security');
    await syncDebianArchives(app, admin, { main: mainServer.baseUrl, security: securityServer.baseUrl }, main.key.armoredPublicKey);
    await loadIds();
    pilot = (await createGroup(app, admin, { name: 'Pilot' })).id;
    office = (await createGroup(app, admin, { name: 'Office' })).id;
  });

  afterAll(async () => {
    await mainServer?.close();
    await securityServer?.close();
    main?.close();
    security?.close();
    await app?.close();
    // Shutting the server down removes its scratch roots.
    expect(roots()).toEqual([]);
  });

  it('follows the group’s approvals as they come and go: B needs a version only an approved A has', async () => {
    const lonely = await decide('bar 1.1-1', pilot, 'install');
    expect(lonely).toMatchObject({ installable: false, packages: ['bar=1.1-1'] });
    expect(lonely!.unmet.join('\n')).toMatch(/bar : Depends: libbaz1 \(>= 1\.1-1\)/);
    expect(await decide('baz 1.1-1', pilot, 'install')).toEqual({ installable: true, unmet: [], packages: ['libbaz1=1.1-1'] });
    expect(await check('bar 1.1-1', pilot)).toMatchObject({ installable: true, unmet: [] });

    // Another group, same release: its own approved set (bar without baz).
    expect(await decide('bar 1.1-1', office, 'install')).toMatchObject({ installable: false, packages: ['bar=1.1-1'] });
    expect(await check('bar 1.1-1', pilot)).toMatchObject({ installable: true });

    // The approval of A taken back: the next check must not answer from the root's earlier lists.
    expect(await decide('baz 1.1-1', pilot, 'none')).toBeUndefined();
    const withoutBaz = await check('bar 1.1-1', pilot);
    expect(withoutBaz.installable).toBe(false);
    expect(withoutBaz.unmet.join('\n')).toMatch(/bar : Depends: libbaz1 \(>= 1\.1-1\)/);
    expect(await decide('baz 1.1-1', pilot, 'install')).toMatchObject({ installable: true });
    expect(await check('bar 1.1-1', pilot)).toMatchObject({ installable: true });
    // One root for the release and architecture, whatever the group.
    expect(roots()).toHaveLength(1);
  });

  it('answers checks asked at the same time, each for its own group', async () => {
    const answers = await Promise.all([pilot, office, pilot, office, pilot, office].map((group) => check('bar 1.1-1', group)));
    expect(answers.map((a) => a.installable)).toEqual([true, false, true, false, true, false]);
    for (const a of answers.filter((x) => !x.installable)) expect(a.unmet.join('\n')).toMatch(/bar : Depends: libbaz1 \(>= 1\.1-1\)/);
  });

  it('a sync that leaves the baseline as it is keeps the root', async () => {
    const before = roots();
    // A new security update: the catalog changes, the baseline does not.
    pkgs.secBar2 = security.stanzaOnly({ package: 'bar', version: '1.1-2', architecture: 'amd64', fields: { Depends: 'libbaz1 (>= 1.1-1)' } });
    await security.publishSuite({
      suite: 'bookworm-security', label: 'Debian-Security', version: '12', codename: 'bookworm-security', date: at(5), validUntil: at(400),
      architectures: ['amd64'], components: { main: [pkgs.secBar, pkgs.secBar2, pkgs.secBaz, pkgs.secQuxtool] },
    });
    securityServer.serve(security.files);
    expect(await runSync(app, admin)).toMatchObject({ status: 'succeeded', newUpdates: 1 });
    await loadIds();
    expect(await decide('bar 1.1-2', office, 'install')).toMatchObject({ installable: false, packages: ['bar=1.1-2'] });
    expect(await check('bar 1.1-2', pilot)).toMatchObject({ installable: true, packages: ['bar=1.1-2'] });
    expect(roots()).toEqual(before);
  });

  it('a sync that changes the baseline is seen by the next check (the root is not reused)', async () => {
    expect(await decide('quxtool 1.1-1', pilot, 'install')).toEqual({ installable: true, unmet: [], packages: ['quxtool=1.1-1'] });
    const before = roots();

    // A point release drops libqux1 from the release suite: the baseline version expires.
    await main.publishSuite({ ...bookworm, version: '12.8', date: at(10), components: { main: [pkgs.bar, pkgs.baz, pkgs.quxtool] } });
    mainServer.serve(main.files);
    expect(await runSync(app, admin)).toMatchObject({ status: 'succeeded', expiredUpdates: 1 });

    const after = await check('quxtool 1.1-1', pilot);
    expect(after.installable).toBe(false);
    expect(after.unmet.join('\n')).toMatch(/quxtool : Depends: libqux1 \(>= 1\.0-1\) but it is not installable/);
    // A new root replaced the old one, which is gone from disk.
    expect(roots()).toHaveLength(1);
    expect(roots()).not.toEqual(before);
    expect(existsSync(join(tmpdir(), before[0]))).toBe(false);
    // What did not depend on the dropped package is unchanged.
    expect(await check('bar 1.1-1', pilot)).toMatchObject({ installable: true });
    expect(await check('bar 1.1-1', office)).toMatchObject({ installable: false });
  });
});
