import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { AptPublicationsRepository, StoredPublication } from '../../src/modules/apt-repository/apt-publications.repository';
import { AptPublisherService } from '../../src/modules/apt-repository/apt-publisher.service';
import { republishStanza } from '../../src/modules/apt-repository/publication/control-stanza';
import { byHashPath, SuiteContent } from '../../src/modules/apt-repository/publication/release-builder';
import { JobName, QueueName } from '../../src/infra/queue/queue-names';
import { APT_RENEWAL_SCHEDULER_ID } from '../../src/modules/apt-repository/apt-renewal.scheduler';
import { AptClient } from '../support/apt-client';
import { eventually } from '../support/eventually';
import { openQueue } from '../support/sync';
import { AptArchive, BuiltPackage } from '../support/apt-archive';
import { startTestApp, TestApp } from '../support/test-app';

const sha256Of = (deb: BuiltPackage) => createHash('sha256').update(deb.bytes!).digest('hex');
const poolPath = (deb: BuiltPackage) => `pool/${sha256Of(deb)}/${deb.filename.slice(deb.filename.lastIndexOf('/') + 1)}`;

const suiteContent = (suite: string, debs: BuiltPackage[]): SuiteContent => ({
  suite,
  codename: suite,
  origin: 'Patchgate',
  label: 'Patchgate debian bookworm',
  architectures: ['amd64'],
  components: new Map([['main', debs.map((d) => ({ package: d.spec.package, version: d.spec.version, architecture: d.spec.architecture, stanza: republishStanza(d.stanza, poolPath(d)) }))]]),
});

/**
 * What apt makes of Patchgate's publications: signed Release files, by-hash indexes, the pool,
 * Date only growing. A loopback server hands each client the publication chosen for it (the
 * /apt/ routes do the same per computer).
 */
describe('APT publications read by the real apt', () => {
  let app: TestApp;
  let publisher: AptPublisherService;
  let publications: AptPublicationsRepository;
  let server: Server;
  let baseUrl: string;
  let archive: AptArchive;
  let debs: Record<string, BuiltPackage>;
  const served = new Map<string, StoredPublication>();
  const requests: string[] = [];

  beforeAll(async () => {
    app = await startTestApp({ withWorker: true });
    publisher = app.app.get(AptPublisherService);
    publications = app.app.get(AptPublicationsRepository);
    archive = await AptArchive.create();
    debs = {
      hello10: archive.buildDeb({ package: 'hello', version: '1.0-1', architecture: 'amd64' }),
      hello11: archive.buildDeb({ package: 'hello', version: '1.1-1', architecture: 'amd64', fields: { 'Phased-Update-Percentage': '10' } }),
      base: archive.buildDeb({ package: 'base-files', version: '12.4', architecture: 'all' }),
    };
    server = createServer((req, res) => void serve(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/apt/debian`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await app.close();
    archive.close();
  });

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    requests.push(req.url!);
    const path = req.url!.replace(/^\/apt\/debian\//, '');
    const send = (body: Buffer | null) => {
      res.statusCode = body ? 200 : 404;
      res.end(body ?? undefined);
    };
    const dists = /^dists\/([a-z0-9-]+)\/(.+)$/.exec(path);
    if (dists) {
      const publication = served.get(dists[1]);
      if (!publication) return send(null);
      if (dists[2] === 'InRelease') return send(publication.inRelease);
      if (dists[2] === 'Release') return send(publication.release);
      if (dists[2] === 'Release.gpg') return send(publication.releaseGpg);
      const byHash = /\/by-hash\/SHA256\/([0-9a-f]{64})$/.exec(dists[2]);
      const listed = byHash ? byHash[1] : publication.indexFiles.find((f) => f.path === dists[2])?.sha256;
      return send(listed ? await publications.findIndexFile(listed) : null);
    }
    const deb = Object.values(debs).find((d) => poolPath(d) === path);
    send(deb ? deb.bytes : null);
  }

  it('publishes indexes apt accepts: the candidate comes from the approved suite, downloaded with the right sha256, Phased-Update-Percentage gone', async () => {
    served.set('bookworm', await publisher.publish('debian/bookworm', suiteContent('bookworm', [debs.hello10, debs.base])));
    served.set('bookworm-approved', await publisher.publish('debian/bookworm-approved', suiteContent('bookworm-approved', [debs.hello11])));
    const apt = new AptClient();
    try {
      apt.writeSources({ uri: baseUrl, suites: ['bookworm', 'bookworm-approved'], components: ['main'], armoredKey: (await keyOf(app)) });
      const update = await apt.update();
      expect(update.stderr).not.toMatch(/^(W|E):/m);
      expect(update.code).toBe(0);
      expect(await apt.candidate('hello')).toBe('1.1-1');
      expect(await apt.candidate('base-files')).toBe('12.4');
      // Acquire-By-Hash: the indexes were fetched by their digest, never by name.
      expect(requests.some((r) => r.includes('/by-hash/SHA256/'))).toBe(true);
      expect(requests.some((r) => /\/Packages(\.gz)?$/.test(r))).toBe(false);
      const lists = readFileSync(join(apt.root, 'var/lib/apt/lists', listsName(baseUrl, 'bookworm-approved')), 'utf8');
      expect(lists).not.toContain('Phased-Update-Percentage');

      const download = await apt.downloadOnly('hello');
      expect(download.code).toBe(0);
      const fetched = readFileSync(join(apt.archivesDir(), 'hello_1.1-1_amd64.deb'));
      expect(createHash('sha256').update(fetched).digest('hex')).toBe(sha256Of(debs.hello11));
    } finally {
      apt.close();
    }
  });

  it('hands out a Date that only grows per suite, also when the clock goes back, and apt ignores a replayed older InRelease', async () => {
    const content = suiteContent('bookworm-approved', [debs.hello11]);
    const first = await publisher.publish('debian/bookworm-approved', content, { fresh: true });
    const backwards = await publisher.publish('debian/bookworm-approved', content, { fresh: true, now: new Date(Date.now() - 3_600_000) });
    expect(backwards.date.getTime()).toBe(first.date.getTime() + 1000);
    const [{ last_date }] = await app.db.query(`SELECT last_date FROM apt_suite_dates WHERE suite = 'debian/bookworm-approved'`);
    expect(new Date(last_date).getTime()).toBe(backwards.date.getTime());

    // Unchanged content keeps its publication; content going back to an earlier state gets a new, later Date.
    expect((await publisher.publish('debian/bookworm-approved', content)).id).toBe(backwards.id);
    const without = await publisher.publish('debian/bookworm-approved', suiteContent('bookworm-approved', []));
    const reverted = await publisher.publish('debian/bookworm-approved', content);
    expect(reverted.id).not.toBe(backwards.id);
    expect(reverted.contentDigest).toBe(backwards.contentDigest);
    expect(reverted.date.getTime()).toBeGreaterThan(without.date.getTime());

    // A client that saw the approval of 1.1; then someone replays the older publication without it.
    const older = await publisher.publish('debian/bookworm-approved', suiteContent('bookworm-approved', []), { fresh: true });
    const newer = await publisher.publish('debian/bookworm-approved', content, { fresh: true });
    const apt = new AptClient();
    try {
      apt.writeSources({ uri: baseUrl, suites: ['bookworm', 'bookworm-approved'], components: ['main'], armoredKey: (await keyOf(app)) });
      served.set('bookworm-approved', newer);
      expect((await apt.update()).code).toBe(0);
      expect(await apt.candidate('hello')).toBe('1.1-1');
      served.set('bookworm-approved', older);
      await apt.update();
      expect(await apt.candidate('hello')).toBe('1.1-1');
    } finally {
      apt.close();
    }
  });

  it('renews an idle publication before its Valid-Until passes: same indexes, newer Date and Valid-Until, older by-hash files kept', async () => {
    const current = await publisher.publish('debian/bookworm', suiteContent('bookworm', [debs.hello10, debs.base]));
    const validDays = app.config.apt.validDays;
    expect(await publisher.renewExpiring(new Date(current.validUntil.getTime() - validDays * 86_400_000 * 0.75))).toBe(0);
    const later = new Date(current.validUntil.getTime() - 3_600_000);
    expect(await publisher.renewExpiring(later)).toBeGreaterThanOrEqual(1);
    const renewed = (await publications.findLatest('debian/bookworm'))!;
    expect(renewed.id).not.toBe(current.id);
    expect(renewed.validUntil.getTime()).toBe(renewed.date.getTime() + validDays * 86_400_000);
    expect(renewed.date.getTime()).toBeGreaterThanOrEqual(later.getTime() - 1000);
    expect(renewed.indexFiles).toEqual(current.indexFiles);
    // by-hash files of the older publication are still there for clients that read its InRelease
    for (const file of current.indexFiles) expect(await publications.findIndexFile(file.sha256)).not.toBeNull();
    expect(byHashPath({ path: current.indexFiles[0].path, sha256: current.indexFiles[0].sha256, bytes: Buffer.alloc(0) })).toContain('/by-hash/SHA256/');
  });

  it('the worker schedules the renewal hourly, and its job re-signs a publication whose Valid-Until is near', async () => {
    const queue = openQueue(app, QueueName.Apt);
    try {
      const schedulers = await queue.getJobSchedulers();
      expect(schedulers).toContainEqual(expect.objectContaining({ key: APT_RENEWAL_SCHEDULER_ID, name: JobName.RenewAptReleases, pattern: '23 * * * *' }));
      const idle = await publisher.publish('debian/bookworm-approved', suiteContent('bookworm-approved', [debs.hello10]), { fresh: true });
      // As if the repository had been idle for six days.
      await app.db.query(`UPDATE apt_publications SET valid_until = now() + interval '1 day' WHERE id = $1`, [idle.id]);
      await queue.add(JobName.RenewAptReleases, {});
      const renewed = await eventually(
        () => publications.findLatest('debian/bookworm-approved'),
        (latest) => latest !== null && latest.id !== idle.id,
      );
      expect(renewed!.validUntil.getTime()).toBeGreaterThan(Date.now() + (app.config.apt.validDays - 1) * 86_400_000);
      expect(renewed!.date.getTime()).toBeGreaterThan(idle.date.getTime());
    } finally {
      await queue.close();
    }
  });
});

async function keyOf(app: TestApp): Promise<string> {
  const { body } = await app.http.get('/client/v1/keys');
  const keys = body.keys as { alg: string; publicKey: string }[];
  expect(keys[0].alg).toBe('ed25519');
  return keys.find((k) => k.alg === 'openpgp')!.publicKey;
}

/** apt's file name for a suite's Packages list under var/lib/apt/lists. */
function listsName(uri: string, suite: string): string {
  return `${uri.replace(/^https?:\/\//, '').replace(/\//g, '_')}_dists_${suite}_main_binary-amd64_Packages`;
}
