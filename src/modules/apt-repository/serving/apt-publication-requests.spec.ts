import { publishJobId } from './apt-publication-requests';

describe('publishJobId', () => {
  const key = 'debian/bookworm-approved/0123456789abcdef0123456789abcdef';

  it('is the same for the same suite key, tag and lowest Date, so concurrent requests share one job', () => {
    expect(publishJobId(key, 'v1')).toBe(publishJobId(key, 'v1'));
    expect(publishJobId(key, 'v1', new Date(1_000))).toBe(publishJobId(key, 'v1', new Date(1_000)));
  });

  it('differs when the suite key, the tag or the lowest Date differs', () => {
    const ids = new Set([
      publishJobId(key, 'v1'),
      publishJobId('debian/bookworm', 'v1'),
      publishJobId(key, 'v2'),
      publishJobId(key, 'v1', new Date(1_000)),
      publishJobId(key, 'v1', new Date(2_000)),
    ]);
    expect(ids.size).toBe(5);
  });

  it('is a BullMQ custom id: no colon, not an integer', () => {
    expect(publishJobId(key, 'v1')).toMatch(/^apt-publish-[0-9a-f]{40}$/);
  });
});
