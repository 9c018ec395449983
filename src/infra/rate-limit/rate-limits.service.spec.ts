import Redis from 'ioredis';
import { AppConfig } from '../config/app-config';
import { RateLimits, TooManyRequestsError } from './rate-limits.service';

/** A Redis that runs the lease script's arithmetic over one shared map, as one server would for several processes. */
function fakeRedis(counts: Map<string, number>, calls: string[]): Redis {
  return {
    defineCommand: () => undefined,
    pgRateLease: async (_keys: number, key: string, take: number) => {
      calls.push(key);
      const count = (counts.get(key) ?? 0) + Number(take);
      counts.set(key, count);
      return [count, 60_000];
    },
  } as unknown as Redis;
}

const config = (perMinute: number) =>
  ({ redisPrefix: 'pg', rateLimits: { loginFailuresPerUser: 5, loginFailuresPerIp: 50, loginLockSeconds: 900, computerPerMinute: perMinute, apiTokenPerMinute: perMinute } }) as unknown as AppConfig;

async function outcomes(limits: RateLimits[], requests: number, key = 'token'): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < requests; i++) {
    try {
      await limits[i % limits.length].consume('computer', key);
      seen.push('ok');
    } catch (error) {
      seen.push(error instanceof TooManyRequestsError ? '429' : 'error');
    }
  }
  return seen;
}

describe(RateLimits.name, () => {
  it('counts every request in Redis when the limit is under 64, across processes', async () => {
    const counts = new Map<string, number>();
    const calls: string[] = [];
    const processes = [new RateLimits(fakeRedis(counts, calls), config(6)), new RateLimits(fakeRedis(counts, calls), config(6))];
    expect(await outcomes(processes, 8)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'ok', '429', '429']);
  });

  it('asks Redis once per share (1/64 of the limit) and never lets more than the limit through across processes', async () => {
    const counts = new Map<string, number>();
    const calls: string[] = [];
    const processes = [new RateLimits(fakeRedis(counts, calls), config(640)), new RateLimits(fakeRedis(counts, calls), config(640))];
    const seen = await outcomes(processes, 700);
    expect(seen.filter((s) => s === 'ok')).toHaveLength(640);
    expect(seen.slice(640).every((s) => s === '429')).toBe(true);
    // 640 requests in shares of 10, and each process refused once from Redis, then from memory.
    expect(calls).toHaveLength(64 + 2);
  });

  it('keeps tokens apart', async () => {
    const counts = new Map<string, number>();
    const limits = new RateLimits(fakeRedis(counts, []), config(6));
    expect(await outcomes([limits], 7, 'a')).toContain('429');
    expect(await outcomes([limits], 1, 'b')).toEqual(['ok']);
  });
});
