import { DeadLetteredEventsCounter, PersistedEventsCounter } from '../metrics/persisted-events.counter';
import { OfferVersionsService } from '../offer-versions/offer-versions.service';
import { MAX_CONCURRENT_BATCHES, StatusBatcher } from './status-batcher';
import { StatusRepository, StoredStatusEvent } from './status.repository';

const event = (n: number): StoredStatusEvent => ({
  computerId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  updateId: '11111111-1111-4111-8111-111111111111',
  revision: 1,
  state: 'installed',
  errorCode: null,
  message: null,
  occurredAt: '2026-12-06T00:00:00Z',
  seq: n,
});

/** A repository whose transactions end only when the test says so. */
function setUp() {
  const open: { events: StoredStatusEvent[]; commit: () => void }[] = [];
  let most = 0;
  const status = {
    persist: (events: StoredStatusEvent[]) =>
      new Promise((resolve) => {
        open.push({ events, commit: () => resolve({ stored: events.length, changed: events.map((e) => e.computerId), unknown: 0 }) });
        most = Math.max(most, open.filter(Boolean).length);
      }),
  } as unknown as StatusRepository;
  const bumped: string[] = [];
  const versions = { bumpComputers: async (ids: string[]) => void bumped.push(...ids) } as unknown as OfferVersionsService;
  const counter = { add: async () => undefined };
  const batcher = new StatusBatcher(status, versions, counter as unknown as PersistedEventsCounter, counter as unknown as DeadLetteredEventsCounter);
  return { batcher, open, bumped, most: () => most };
}

const tick = (ms = 40) => new Promise((resolve) => setTimeout(resolve, ms));

describe(StatusBatcher.name, () => {
  it('runs at most MAX_CONCURRENT_BATCHES transactions at once; what waits goes into one batch when one ends', async () => {
    const { batcher, open, bumped } = setUp();
    const done: number[] = [];
    const add = (n: number) => batcher.add([event(n)]).then(() => done.push(n));
    void add(1);
    await tick();
    void add(2);
    await tick();
    expect(open).toHaveLength(MAX_CONCURRENT_BATCHES);
    // Both slots busy: these wait, together.
    void add(3);
    void add(4);
    await tick();
    expect(open).toHaveLength(MAX_CONCURRENT_BATCHES);
    open[1].commit();
    await tick(5);
    expect(done).toEqual([2]);
    expect(open).toHaveLength(3);
    expect(open[2].events.map((e) => e.seq)).toEqual([3, 4]);
    open[0].commit();
    open[2].commit();
    await tick(5);
    expect(done.sort()).toEqual([1, 2, 3, 4]);
    expect(new Set(bumped).size).toBe(4);
  });

  it('shutdown waits for the batches in flight and stores what still waits', async () => {
    const { batcher, open } = setUp();
    const done: number[] = [];
    for (const n of [1, 2]) {
      void batcher.add([event(n)]).then(() => done.push(n));
      await tick();
    }
    void batcher.add([event(3)]).then(() => done.push(3));
    let stopped = false;
    const stopping = batcher.onApplicationShutdown().then(() => (stopped = true));
    await tick(5);
    expect(stopped).toBe(false);
    open[0].commit();
    open[1].commit();
    await tick(5);
    expect(open).toHaveLength(3);
    expect(stopped).toBe(false);
    open[2].commit();
    await stopping;
    expect(done.sort()).toEqual([1, 2, 3]);
  });
});
