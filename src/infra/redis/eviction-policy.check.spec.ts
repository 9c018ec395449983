import Redis from 'ioredis';
import { ensureNoEviction } from './eviction-policy.check';

/** A Redis client whose CONFIG and INFO answer as given (an Error: the command is refused). */
function fakeRedis(config: string[] | Error, info: string | Error): Redis {
  const answer = <T>(value: T | Error) => (value instanceof Error ? Promise.reject(value) : Promise.resolve(value));
  return { config: () => answer(config), info: () => answer(info) } as unknown as Redis;
}

describe(ensureNoEviction.name, () => {
  const logger = () => ({ log: jest.fn(), error: jest.fn(), warn: jest.fn() });
  const disabled = new Error("ERR unknown command 'CONFIG'");

  it('accepts noeviction, read with CONFIG GET', async () => {
    const log = logger();
    await ensureNoEviction(fakeRedis(['maxmemory-policy', 'noeviction'], disabled), false, log);
    expect(log.warn).not.toHaveBeenCalled();
  });

  it('refuses another policy in production and warns in local mode', async () => {
    const redis = fakeRedis(['maxmemory-policy', 'volatile-lru'], disabled);
    await expect(ensureNoEviction(redis, false, logger())).rejects.toThrow(/maxmemory-policy is volatile-lru/);
    const log = logger();
    await ensureNoEviction(redis, true, log);
    expect(log.warn).toHaveBeenCalledWith(expect.stringMatching(/volatile-lru/));
  });

  it('falls back to INFO memory where CONFIG is disabled (managed Redis)', async () => {
    const info = '# Memory\r\nused_memory:1024\r\nmaxmemory_policy:allkeys-lru\r\n';
    await expect(ensureNoEviction(fakeRedis(disabled, info), false, logger())).rejects.toThrow(/allkeys-lru/);
    const ok = logger();
    await ensureNoEviction(fakeRedis(disabled, info.replace('allkeys-lru', 'noeviction')), false, ok);
    expect(ok.warn).not.toHaveBeenCalled();
  });

  it('only warns when neither command answers', async () => {
    const log = logger();
    await ensureNoEviction(fakeRedis(disabled, disabled), false, log);
    expect(log.warn).toHaveBeenCalledWith(expect.stringMatching(/could not read/));
  });
});
