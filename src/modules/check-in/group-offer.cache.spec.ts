import { SettingsService } from '../settings/settings.service';
import { ApprovedUpdate, CheckInRepository } from './check-in.repository';
import { GroupOfferCache } from './group-offer.cache';

describe(GroupOfferCache.name, () => {
  function setUp() {
    const queries: string[][] = [];
    let release: () => void = () => undefined;
    let gate = Promise.resolve();
    const checkIns = {
      findApprovedUpdates: async (groupPath: string[]) => {
        queries.push(groupPath);
        await gate;
        return [{ updateId: groupPath.join('/') }] as unknown as ApprovedUpdate[];
      },
    } as unknown as CheckInRepository;
    const settings = { checkInIntervalSeconds: async () => 1800 } as unknown as SettingsService;
    const hold = () => (gate = new Promise<void>((resolve) => (release = resolve)));
    return { cache: new GroupOfferCache(checkIns, settings), queries, hold, release: () => release() };
  }

  it('loads a group path once per set of versions, however many computers ask at once', async () => {
    const { cache, queries, hold, release } = setUp();
    hold();
    const answers = Promise.all(Array.from({ length: 50 }, () => cache.get('versions-1', ['root', 'pilot'])));
    release();
    const all = await answers;
    expect(queries).toEqual([['root', 'pilot']]);
    expect(new Set(all).size).toBe(1);
    expect(all[0]).toEqual({ approved: [{ updateId: 'root/pilot' }], checkInSeconds: 1800 });
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
    } as unknown as CheckInRepository;
    const cache = new GroupOfferCache(checkIns, { checkInIntervalSeconds: async () => 60 } as unknown as SettingsService);
    await expect(cache.get('v', ['root'])).rejects.toThrow('database away');
    fail = false;
    await expect(cache.get('v', ['root'])).resolves.toEqual({ approved: [], checkInSeconds: 60 });
  });
});
