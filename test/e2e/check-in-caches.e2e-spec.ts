import Redis from 'ioredis';
import { CacheInvalidations } from '../../src/infra/redis/cache-invalidations';
import { approve } from '../factories/approvals.factory';
import { registerComputer, RegisteredComputer } from '../factories/computers.factory';
import { createGroup } from '../factories/groups.factory';
import { insertUpdate } from '../factories/updates.factory';
import { eventually } from '../support/eventually';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * The in-process copies behind an unchanged check-in (src/infra/redis/cache-invalidations.ts): two
 * API processes on one PostgreSQL and Redis, as replicas run.
 */
describe('check-in: in-process copies of versions and tokens, across API processes', () => {
  // Copies live a minute here, so only an invalidation (never their age) can end them in these tests.
  const env = { PATCHGATE_LOCAL_CACHE_MAX_AGE_MS: '60000', PATCHGATE_RATE_LIMIT_COMPUTER_PER_MINUTE: '64000' };
  let first: TestApp;
  let second: TestApp;
  let admin: string;
  let ring: string;
  let redis: Redis;

  const checkIn = (via: TestApp, pc: RegisteredComputer, etag?: string) =>
    via.http.post('/client/v1/checkin', {}, { token: pc.token, headers: etag ? { 'if-none-match': etag } : {} });

  /** A computer in `ring` with the ETag of its offer, answered 304 by both processes (their copies warm). */
  async function warmComputer(): Promise<{ pc: RegisteredComputer; etag: string }> {
    const pc = await registerComputer(first, admin, { groupId: ring });
    const answer = await checkIn(first, pc);
    expect(answer.status).toBe(200);
    const etag = answer.headers.get('etag')!;
    for (const via of [first, second, first, second]) expect((await checkIn(via, pc, etag)).status).toBe(304);
    return { pc, etag };
  }

  /** Changes the ring's approval version in Redis without telling anyone: a lost invalidation. */
  const bumpSilently = () => redis.incr(`${first.environment.redisPrefix}:ver:group:${ring}`);

  beforeAll(async () => {
    first = await startTestApp({ env });
    second = await startTestApp({ environment: first.environment, env });
    admin = await first.login();
    ring = (await createGroup(first, admin, { name: 'Ring copies' })).id;
    redis = new Redis(first.environment.redisUrl);
  });
  afterAll(async () => {
    redis.disconnect();
    await second.close();
    await first.close();
  });

  it('answers an unchanged check-in from the copies without a Redis command', async () => {
    const { pc, etag } = await warmComputer();
    const prefix = first.environment.redisPrefix;
    const monitor = await redis.monitor();
    const commands: string[] = [];
    monitor.on('monitor', (_time: string, args: string[]) => {
      // The check-in's keys: versions, the computer's context, its token and its rate-limit lease.
      if (args.some((arg) => /:(ver|computer-token|rl):/.test(arg) && arg.startsWith(`${prefix}:`))) commands.push(args.join(' '));
    });
    try {
      // A command on a watched key, so the monitor is known to be live before counting.
      await eventually(
        async () => (await redis.get(`${prefix}:ver:probe`), commands.length),
        (seen) => seen > 0,
      );
      commands.length = 0;
      for (let i = 0; i < 5; i++) expect((await checkIn(second, pc, etag)).status).toBe(304);
      await redis.get(`${prefix}:ver:probe`);
      await eventually(async () => commands.length, (seen) => seen > 0);
    } finally {
      monitor.disconnect();
    }
    // Only the closing probe: the five check-ins sent nothing.
    expect(commands).toEqual([`get ${prefix}:ver:probe`]);
  });

  it('answers 200 at one process at once after an approval change made through the other', async () => {
    const { pc, etag } = await warmComputer();
    const updateId = await insertUpdate(first.db);
    await approve(first, admin, { updateId, groupId: ring, decision: 'install' });
    const changed = await checkIn(second, pc, etag);
    expect(changed.status).toBe(200);
    const fresh = changed.headers.get('etag')!;
    expect(fresh).not.toBe(etag);
    expect((await checkIn(first, pc, fresh)).status).toBe(304);
    expect((await checkIn(second, pc, fresh)).status).toBe(304);
  });

  it('refuses a computer revoked through the other process with 401', async () => {
    const { pc, etag } = await warmComputer();
    expect((await first.http.delete(`/api/v1/computers/${pc.computerId}`, { token: admin })).status).toBe(204);
    expect((await checkIn(second, pc, etag)).status).toBe(401);
    expect((await checkIn(first, pc, etag)).status).toBe(401);
  });

  it('bypasses and clears the copies when the subscription drops, so a lost invalidation does not outlive it', async () => {
    const { pc, etag } = await warmComputer();
    await bumpSilently();
    // The copy still answers: nothing said the version moved (the max age would end it).
    expect((await checkIn(second, pc, etag)).status).toBe(304);
    const invalidations = second.app.get(CacheInvalidations);
    invalidations.dropConnection();
    expect(invalidations.live).toBe(false);
    const answer = await checkIn(second, pc, etag);
    expect(answer.status).toBe(200);
    // Subscribed again: the copies are used again.
    await eventually(async () => invalidations.live, Boolean);
    const fresh = answer.headers.get('etag')!;
    expect((await checkIn(second, pc, fresh)).status).toBe(304);
    await bumpSilently();
    expect((await checkIn(second, pc, fresh)).status).toBe(304);
  });

  it('lets a copy live no longer than its max age', async () => {
    const short = await startTestApp({ environment: first.environment, env: { ...env, PATCHGATE_LOCAL_CACHE_MAX_AGE_MS: '300' } });
    try {
      const { pc } = await warmComputer();
      const answer = await checkIn(short, pc);
      const etag = answer.headers.get('etag')!;
      expect((await checkIn(short, pc, etag)).status).toBe(304);
      await bumpSilently();
      await eventually(async () => (await checkIn(short, pc, etag)).status, (status) => status === 200);
    } finally {
      await short.close();
    }
  });
});
