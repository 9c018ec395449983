import { ReadTracker } from './cache-invalidations';

describe(ReadTracker.name, () => {
  it('refuses to copy a value whose key was invalidated while the read was in flight', () => {
    const reads = new ReadTracker();
    const read = reads.begin();
    reads.invalidated(['ver:group:a']);
    expect(reads.unchanged(read, ['ver:catalog', 'ver:group:a'])).toBe(false);
    // Other keys read at the same time may still be copied.
    expect(reads.unchanged(read, ['ver:catalog'])).toBe(true);
    reads.finish(read);
  });

  it('copies a value read after the invalidation', () => {
    const reads = new ReadTracker();
    const early = reads.begin();
    reads.invalidated(['ver:group:a']);
    const late = reads.begin();
    expect(reads.unchanged(late, ['ver:group:a'])).toBe(true);
    expect(reads.unchanged(early, ['ver:group:a'])).toBe(false);
    reads.finish(late);
    // The early read is still in flight: its invalidation is still remembered.
    expect(reads.unchanged(early, ['ver:group:a'])).toBe(false);
    reads.finish(early);
  });

  it('refuses every read begun before a reset (the subscription dropped)', () => {
    const reads = new ReadTracker();
    const read = reads.begin();
    reads.reset();
    expect(reads.unchanged(read, [])).toBe(false);
    reads.finish(read);
    const after = reads.begin();
    expect(reads.unchanged(after, ['ver:tree'])).toBe(true);
    reads.finish(after);
  });

  it('remembers invalidations only while a read begun before them is in flight', () => {
    const reads = new ReadTracker();
    reads.invalidated(['ver:computer:1', 'ver:computer:2']);
    expect(reads.remembered).toBe(0);
    const read = reads.begin();
    for (let i = 0; i < 100; i++) reads.invalidated([`ver:computer:${i}`]);
    expect(reads.remembered).toBe(100);
    reads.finish(read);
    expect(reads.remembered).toBe(0);
  });
});
