import { OutboundPolicy } from '../../../../infra/http/outbound-policy';
import { plainToInstance } from 'class-transformer';
import { validate, ValidationError } from 'class-validator';
import { PutSyncConfigDto } from '../dto/sync-config.dto';
import { PageFetcher } from '../page-fetcher';
import { FeedUpstream } from './feed/feed-upstream';
import { StaticFeedReader } from './feed/static-feed-reader';
import { PatchgateUpstream } from './patchgate/patchgate-upstream';
import { PatchgateUpstreamReader } from './patchgate/patchgate-upstream-reader';
import { UPSTREAM_KINDS, UpstreamKindRegistry } from './upstream-kinds';

const fetcher = new PageFetcher({ timeoutMs: 1000, attempts: 1, retryDelayMs: 0, maxBytes: 1024, policy: OutboundPolicy.permissive() });

/** Field paths of every validation error, the way the API names them (`upstream.url`). */
function fieldsOf(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    return [...(e.constraints ? [path] : []), ...fieldsOf(e.children ?? [], path)];
  });
}

async function validateConfig(body: unknown): Promise<string[]> {
  const dto = plainToInstance(PutSyncConfigDto, body);
  return fieldsOf(await validate(dto, { whitelist: true, forbidNonWhitelisted: true }));
}

describe(UpstreamKindRegistry.name, () => {
  const registry = new UpstreamKindRegistry([new FeedUpstream(fetcher), new PatchgateUpstream(fetcher)]);

  it('finds each handler by its kind, and lists the kinds', () => {
    expect(registry.kinds()).toEqual(['feed', 'patchgate']);
    expect(registry.get('feed')).toBeInstanceOf(FeedUpstream);
    expect(registry.get('patchgate')).toBeInstanceOf(PatchgateUpstream);
    expect(registry.find('mirror')).toBeUndefined();
  });

  it('refuses an unknown kind by name and a kind registered twice', () => {
    expect(() => registry.get('mirror')).toThrow('no upstream kind "mirror" is registered (known: feed, patchgate)');
    expect(() => new UpstreamKindRegistry([new FeedUpstream(fetcher), new FeedUpstream(fetcher)])).toThrow('upstream kind feed is registered twice');
  });

  it('keeps what each kind declares: schemes, token rule, resumption, expiry', () => {
    const feed = registry.get('feed');
    const patchgate = registry.get('patchgate');
    expect([feed.schemes, feed.token, feed.resumesFromCursor, feed.expiresUnlisted]).toEqual([['http:', 'https:', 'file:'], 'optional', false, false]);
    expect([patchgate.schemes, patchgate.token, patchgate.resumesFromCursor, patchgate.expiresUnlisted]).toEqual([['http:', 'https:'], 'required', true, false]);
  });

  it('builds each kind its own reader from the upstream', () => {
    const feedReader = registry.get('feed').createReader({ kind: 'feed', url: 'https://m.example/feed/index.json', token: null, settings: null });
    expect(feedReader).toBeInstanceOf(StaticFeedReader);
    expect(feedReader.firstPage(null)).toBe('https://m.example/feed/index.json');
    const patchgateReader = registry.get('patchgate').createReader({ kind: 'patchgate', url: 'https://hq.example/upstream/v1/catalog', token: 't', settings: null });
    expect(patchgateReader).toBeInstanceOf(PatchgateUpstreamReader);
    expect(patchgateReader.firstPage('c1')).toBe('https://hq.example/upstream/v1/catalog?since=c1&limit=500');
  });

  it('registers every kind once, each with a handler and a config DTO', () => {
    const kinds = UPSTREAM_KINDS.map((r) => r.kind);
    expect(new Set(kinds).size).toBe(kinds.length);
    expect(kinds).toEqual(expect.arrayContaining(['feed', 'patchgate']));
  });
});

describe('PutSyncConfigDto (upstream shaped by its kind)', () => {
  it('accepts each kind with its own fields', async () => {
    await expect(validateConfig({ upstream: { kind: 'feed', url: 'file:///srv/feed/index.json' } })).resolves.toEqual([]);
    await expect(validateConfig({ upstream: { kind: 'patchgate', url: 'https://hq.example/upstream/v1/catalog', token: 'pgd_x' } })).resolves.toEqual([]);
  });

  it("refuses a field another kind takes, a scheme the kind does not read, and an unknown kind", async () => {
    await expect(validateConfig({ upstream: { kind: 'feed', url: 'https://m.example/i.json', keyring: 'x' } })).resolves.toEqual(['upstream.keyring']);
    await expect(validateConfig({ upstream: { kind: 'patchgate', url: 'file:///srv/feed/index.json', token: 't' } })).resolves.toEqual(['upstream.url']);
    await expect(validateConfig({ upstream: { kind: 'mirror' } })).resolves.toEqual(['upstream.kind']);
    await expect(validateConfig({ upstream: 'feed' })).resolves.toContain('upstream');
  });
});
