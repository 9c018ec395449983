import { ContentMode } from '../content/content-mode';
import { ContentService } from '../content/content.service';
import { SettingsService } from '../settings/settings.service';
import { ApprovedUpdate, OffersRepository } from './offers.repository';
import { GroupOfferCache } from './group-offer.cache';

const contentIn = (mode: ContentMode) => ({ mode: async () => mode }) as unknown as ContentService;

describe(GroupOfferCache.name, () => {
  function setUp(mode: ContentMode = 'none') {
    const queries: string[][] = [];
    const storedOnly: boolean[] = [];
    let release: () => void = () => undefined;
    let gate = Promise.resolve();
    const checkIns = {
      findApprovedUpdates: async (groupPath: string[], storedFilesOnly: boolean) => {
        queries.push(groupPath);
        storedOnly.push(storedFilesOnly);
        await gate;
        return [{ updateId: groupPath.join('/') }] as unknown as ApprovedUpdate[];
      },
    } as unknown as OffersRepository;
    const settings = { checkInIntervalSeconds: async () => 1800 } as unknown as SettingsService;
    const hold = () => (gate = new Promise<void>((resolve) => (release = resolve)));
    return { cache: new GroupOfferCache(checkIns, settings, contentIn(mode)), queries, storedOnly, hold, release: () => release() };
  }

  it('loads a group path once per set of versions, however many computers ask at once', async () => {
    const { cache, queries, hold, release } = setUp();
    hold();
    const answers = Promise.all(Array.from({ length: 50 }, () => cache.get('versions-1', ['root', 'pilot'])));
    release();
    const all = await answers;
    expect(queries).toEqual([['root', 'pilot']]);
    expect(new Set(all).size).toBe(1);
    expect(all[0]).toEqual({ approved: [{ updateId: 'root/pilot' }], checkInSeconds: 1800, contentMode: 'none', offeredVia: expect.any(Function), offerFor: expect.any(Function) });
  });

  it('asks only for installs whose files are stored when the content mode stores files', async () => {
    for (const mode of ['none', 'on_approval', 'all'] as const) {
      const { cache, storedOnly } = setUp(mode);
      expect(await cache.get('v', ['root'])).toMatchObject({ contentMode: mode });
      expect(storedOnly).toEqual([mode !== 'none']);
    }
  });

  it('loads again when the versions change, and keeps other groups apart', async () => {
    const { cache, queries } = setUp();
    await cache.get('versions-1', ['root', 'pilot']);
    await cache.get('versions-2', ['root', 'pilot']);
    await cache.get('versions-3', ['root', 'ring2']);
    await cache.get('versions-1', ['root', 'pilot']);
    expect(queries).toEqual([['root', 'pilot'], ['root', 'pilot'], ['root', 'ring2']]);
  });

  it('forgets a failed load, so the next check-in tries again', async () => {
    let fail = true;
    const checkIns = {
      findApprovedUpdates: async () => {
        if (fail) throw new Error('database away');
        return [];
      },
    } as unknown as OffersRepository;
    const cache = new GroupOfferCache(checkIns, { checkInIntervalSeconds: async () => 60 } as unknown as SettingsService, contentIn('none'));
    await expect(cache.get('v', ['root'])).rejects.toThrow('database away');
    fail = false;
    await expect(cache.get('v', ['root'])).resolves.toEqual({ approved: [], checkInSeconds: 60, contentMode: 'none', offeredVia: expect.any(Function), offerFor: expect.any(Function) });
  });

  it('points installs at the content store in a storing mode, once per base URL; uninstalls and mode none keep upstream URLs', async () => {
    const file = { name: 'a.msu', url: 'https://upstream.example/a.msu', sha256: 'AB'.repeat(32), size: 3 };
    const approved = [
      { updateId: 'install', action: 'install', files: [file] },
      { updateId: 'uninstall', action: 'uninstall', files: [file] },
    ] as unknown as ApprovedUpdate[];
    const load = (mode: ContentMode) =>
      new GroupOfferCache(
        { findApprovedUpdates: async () => approved } as unknown as OffersRepository,
        { checkInIntervalSeconds: async () => 60 } as unknown as SettingsService,
        contentIn(mode),
      ).get('v', ['root']);

    const stored = await load('on_approval');
    const offered = stored.offeredVia('https://pg.example');
    expect(offered.map((u) => u.files[0].url)).toEqual([`https://pg.example/content/v1/files/${'ab'.repeat(32)}`, file.url]);
    expect(stored.offeredVia('https://pg.example')).toBe(offered);
    expect(stored.offeredVia('http://10.0.0.5:8530')[0].files[0].url).toBe(`http://10.0.0.5:8530/content/v1/files/${'ab'.repeat(32)}`);
    expect(approved[0].files[0].url).toBe(file.url);

    const none = await load('none');
    expect(none.offeredVia('https://pg.example')).toBe(approved);
  });
});
