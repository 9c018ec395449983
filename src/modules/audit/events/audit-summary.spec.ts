import { MAX_SUMMARY_BYTES, REDACTED, summarizeBody } from './audit-summary';

describe('summarizeBody', () => {
  it('keeps ordinary fields and redacts every secret-looking one, however deep', () => {
    expect(
      summarizeBody({
        name: 'ring 1',
        password: 'hunter2',
        upstream: { kind: 'patchgate', url: 'https://up', token: 'pgt_abc' },
        items: [{ apiKey: 'k', enrollmentKey: 'e', reason: 'ok' }],
        clientSecret: 's',
      }),
    ).toEqual({
      name: 'ring 1',
      password: REDACTED,
      upstream: { kind: 'patchgate', url: 'https://up', token: REDACTED },
      items: [{ apiKey: REDACTED, enrollmentKey: REDACTED, reason: 'ok' }],
      clientSecret: REDACTED,
    });
  });

  it('is null without a body', () => {
    expect(summarizeBody(undefined)).toBeNull();
    expect(summarizeBody(null)).toBeNull();
  });

  it('caps the size: long text is cut, a huge body keeps only its field names', () => {
    const cut = summarizeBody({ reason: 'x'.repeat(2000) });
    expect((cut?.reason as string).length).toBeLessThan(600);
    const huge = summarizeBody({ items: Array.from({ length: 40 }, () => ({ reason: 'y'.repeat(400) })), note: 'n' });
    expect(huge).toEqual({ truncated: true, fields: ['items', 'note'] });
    expect(Buffer.byteLength(JSON.stringify(summarizeBody({ a: 'z'.repeat(400), b: 'z'.repeat(400) })))).toBeLessThanOrEqual(MAX_SUMMARY_BYTES);
  });
});
