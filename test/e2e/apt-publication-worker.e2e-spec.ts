import { INestApplicationContext } from '@nestjs/common';
import { Queue } from 'bullmq';
import { JobName, QueueName } from '../../src/infra/queue/queue-names';
import { createWorkerContext } from '../../src/worker-app';
import { approve } from '../factories/approvals.factory';
import { createEnrollmentKey, registrationBody } from '../factories/computers.factory';
import { createGroup } from '../factories/groups.factory';
import { AptArchive, AptArchiveServer } from '../support/apt-archive';
import { AptClient } from '../support/apt-client';
import { eventually } from '../support/eventually';
import { openQueue, syncDebianArchives } from '../support/sync';
import { startTestApp, TestApp } from '../support/test-app';

const DAY = 24 * 3600 * 1000;
const T0 = new Date(Date.now() - 30 * DAY);
const at = (days: number) => new Date(T0.getTime() + days * DAY);

interface Machine {
  computerId: string;
  token: string;
}

/**
 * APT publications are built by the worker (job publish-apt-suite on the apt-publish queue), never
 * by the API: the API queues the job and waits for it, or answers 503 apt_publication_pending with
 * Retry-After when no worker finishes it in time (docs/architecture.md, "APT publications").
 */
describe('APT publications built by the worker', () => {
  let app: TestApp;
  /** the same deployment's API with a short wait for the worker */
  let impatient: TestApp;
  let worker: INestApplicationContext | undefined;
  let queue: Queue;
  let admin: string;
  let archive: AptArchive;
  let security: AptArchive;
  let mainServer: AptArchiveServer;
  let securityServer: AptArchiveServer;
  let repositoryKey: string;
  let first: Machine;
  let second: Machine;

  const register = async (groupId: string): Promise<Machine> => {
    const { key } = await createEnrollmentKey(app, admin, { groupId });
    const res = await app.http.post('/client/v1/register', registrationBody(key, { os: { family: 'debian', version: '12' }, arch: 'amd64' }));
    expect(res.status).toBe(201);
    return { computerId: res.body.computerId, token: res.body.token };
  };
  const aptGet = (api: TestApp, path: string, m: Machine) =>
    fetch(`${api.http.baseUrl}/apt/debian/${path}`, { headers: { authorization: `Basic ${Buffer.from(`${m.computerId}:${m.token}`).toString('base64')}` } });
  const publications = async () =>
    (await app.db.query('SELECT suite, count(*)::int AS n FROM apt_publications GROUP BY suite ORDER BY suite')) as { suite: string; n: number }[];

  beforeAll(async () => {
    app = await startTestApp();
    impatient = await startTestApp({ environment: app.environment, env: { PATCHGATE_APT_PUBLISH_TIMEOUT_MS: '300' } });
    queue = openQueue(app, QueueName.AptPublish);
    admin = await app.login();
    archive = await AptArchive.create();
    security = await AptArchive.create(archive.key);
    const hello = archive.buildDeb({ package: 'hello', version: '2.10-3', architecture: 'amd64' });
    const secHello = security.buildDeb({ package: 'hello', version: '2.10-3+deb12u1', architecture: 'amd64' });
    await archive.publishSuite({ suite: 'bookworm', version: '12.7', date: at(0), architectures: ['amd64'], components: { main: [hello] } });
    await security.publishSuite({ suite: 'bookworm-security', label: 'Debian-Security', version: '12', codename: 'bookworm-security', date: at(2), validUntil: at(400), architectures: ['amd64'], components: { main: [secHello] } });
    mainServer = await AptArchiveServer.start(archive.files, '/debian');
    securityServer = await AptArchiveServer.start(security.files, '/debian-security');
    // The sync needs a worker; it stops before the APT requests, so nothing builds them until a test starts one.
    const syncWorker = await createWorkerContext(app.config);
    try {
      await syncDebianArchives(app, admin, { main: mainServer.baseUrl, security: securityServer.baseUrl }, archive.key.armoredPublicKey);
    } finally {
      await syncWorker.close();
    }
    const updates = (await app.http.get('/api/v1/updates?limit=500&q=hello', { token: admin })).body.items as { updateId: string; title: string }[];
    const helloUpdate = updates.find((u) => u.title.startsWith('hello 2.10-3+deb12u1'))!.updateId;
    repositoryKey = ((await app.http.get('/client/v1/keys')).body.keys as { alg: string; publicKey: string }[]).find((k) => k.alg === 'openpgp')!.publicKey;
    const group = (await createGroup(app, admin, { name: 'Pilot' })).id;
    first = await register(group);
    second = await register(group);
    await approve(app, admin, { updateId: helloUpdate, groupId: group, decision: 'install' });
  });

  afterAll(async () => {
    await worker?.close();
    await queue?.close();
    await mainServer?.close();
    await securityServer?.close();
    archive?.close();
    security?.close();
    await impatient?.close();
    await app?.close();
  });

  it('answers 503 apt_publication_pending with Retry-After when no worker builds the publication in time, and leaves the job queued', async () => {
    const res = await aptGet(impatient, 'dists/bookworm-approved/InRelease', first);
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.headers.get('retry-after')).toBe('30');
    const body = (await res.json()) as { type: string; status: number };
    expect(body).toMatchObject({ type: 'urn:patchgate:problem:apt_publication_pending', status: 503 });
    const waiting = await queue.getJobs(['waiting']);
    expect(waiting.map((j) => [j.name, j.data.suiteKey])).toEqual([[JobName.PublishAptSuite, expect.stringMatching(/^debian\/bookworm-approved\//)]]);
    expect(await publications()).toEqual([]);
  });

  it('concurrent requests for the same publications share one job each, which a worker builds', async () => {
    const paths = ['dists/bookworm/InRelease', 'dists/bookworm-approved/InRelease'];
    const requests = [first, second, first, second].flatMap((m) => paths.map((path) => aptGet(app, path, m).then(async (r) => ({ path, status: r.status, body: await r.text() }))));
    // Both jobs queued (the approved suite's by the 503 above, found again by its id) before any worker runs.
    await eventually(() => queue.getJobCounts('waiting'), (counts) => counts.waiting === 2);
    worker = await createWorkerContext(app.config);
    const answers = await Promise.all(requests);
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    for (const path of paths) expect(new Set(answers.filter((a) => a.path === path).map((a) => a.body)).size).toBe(1);
    expect(await publications()).toEqual([
      { suite: 'debian/bookworm', n: 1 },
      { suite: expect.stringMatching(/^debian\/bookworm-approved\//), n: 1 },
    ]);
    const done = await queue.getJobs(['completed']);
    expect(done.map((j) => j.name)).toEqual([JobName.PublishAptSuite, JobName.PublishAptSuite]);
    const stored = (await app.db.query('SELECT id::text AS id FROM apt_publications ORDER BY id')) as { id: string }[];
    expect(done.map((j) => (j.returnvalue as { publicationId: string }).publicationId).sort()).toEqual(stored.map((r) => r.id).sort());
  });

  it('serves what the worker built to apt, which verifies it', async () => {
    const apt = new AptClient();
    try {
      apt.writeSources({ uri: `${app.http.baseUrl}/apt/debian`, suites: ['bookworm', 'bookworm-approved'], components: ['main'], armoredKey: repositoryKey });
      apt.writeAuth(`${app.http.baseUrl}/apt/`, first.computerId, first.token);
      const update = await apt.update();
      expect(update.stderr).not.toMatch(/^(W|E):/m);
      expect(update.code).toBe(0);
      expect(await apt.candidate('hello')).toBe('2.10-3+deb12u1');
      // The impatient API now finds the publication made: no 503.
      expect((await aptGet(impatient, 'dists/bookworm-approved/InRelease', second)).status).toBe(200);
    } finally {
      apt.close();
    }
  });
});
