import { generateKeyPairSync, sign } from 'node:crypto';
import { Offer, verifyOffer, VerificationContext } from './response-verifier';

describe(verifyOffer.name, () => {
  const server = generateKeyPairSync('ed25519');
  const stranger = generateKeyPairSync('ed25519');
  const computerId = '6f1c2a3b-0000-4000-8000-000000000042';
  const now = new Date('2026-11-22T10:00:00Z');

  const offer = (overrides: Partial<Offer> = {}): Offer => ({
    computerId,
    issuedAt: '2026-11-22T09:59:59Z',
    expires: '2026-11-22T11:00:00Z',
    seq: 8,
    nonce: 'bm9uY2Utbm9uY2U',
    nextCheckInSeconds: 3600,
    updates: [{ updateId: 'a1b2c3d4-0000-4000-8000-000000000001', revision: 2, title: 'KB1', kb: ['KB1'], classification: 'security', severity: 'critical', action: 'install', deadline: null, optional: false, reboot: 'maybe', files: [] }],
    ...overrides,
  });
  const signed = (body: Offer, key = server.privateKey) => {
    const bytes = Buffer.from(JSON.stringify(body));
    return { bytes, signature: sign(null, bytes, key).toString('base64') };
  };
  const context = (overrides: Partial<VerificationContext> = {}): VerificationContext => ({
    publicKey: server.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    computerId,
    lastSeq: 7,
    nonce: 'bm9uY2Utbm9uY2U',
    now,
    ...overrides,
  });

  it('accepts a fresh answer for this computer signed with the pinned key, and answers its content', () => {
    const { bytes, signature } = signed(offer());
    const verdict = verifyOffer(bytes, signature, context());
    expect(verdict).toEqual({ ok: true, offer: offer() });
  });

  it('refuses a body with one flipped byte', () => {
    const { bytes, signature } = signed(offer());
    const tampered = Buffer.from(bytes);
    tampered[Math.floor(tampered.length / 2)] ^= 0x01;
    expect(verifyOffer(tampered, signature, context())).toMatchObject({ ok: false, reason: 'bad_signature' });
  });

  it('refuses an answer signed with another key, even a well-formed one', () => {
    const { bytes, signature } = signed(offer(), stranger.privateKey);
    expect(verifyOffer(bytes, signature, context())).toMatchObject({ ok: false, reason: 'bad_signature' });
  });

  it('refuses an answer without a signature or with garbage in the header', () => {
    const { bytes } = signed(offer());
    expect(verifyOffer(bytes, null, context())).toMatchObject({ ok: false, reason: 'missing_signature' });
    expect(verifyOffer(bytes, 'not base64 at all!', context())).toMatchObject({ ok: false, reason: 'bad_signature' });
  });

  it('refuses an expired answer', () => {
    const { bytes, signature } = signed(offer({ expires: '2026-11-22T09:59:59.999Z' }));
    expect(verifyOffer(bytes, signature, context())).toMatchObject({ ok: false, reason: 'expired' });
  });

  it('refuses an answer whose seq is not above the last accepted one (a replay)', () => {
    const { bytes, signature } = signed(offer({ seq: 7 }));
    expect(verifyOffer(bytes, signature, context())).toMatchObject({ ok: false, reason: 'stale_seq' });
    const older = signed(offer({ seq: 3 }));
    expect(verifyOffer(older.bytes, older.signature, context())).toMatchObject({ ok: false, reason: 'stale_seq' });
  });

  it('refuses an answer that echoes another nonce, or none', () => {
    const other = signed(offer({ nonce: 'c29tZW9uZS1lbHNl' }));
    expect(verifyOffer(other.bytes, other.signature, context())).toMatchObject({ ok: false, reason: 'wrong_nonce' });
    const none = signed(offer({ nonce: null }));
    expect(verifyOffer(none.bytes, none.signature, context())).toMatchObject({ ok: false, reason: 'wrong_nonce' });
  });

  it('refuses an answer made for another computer', () => {
    const { bytes, signature } = signed(offer({ computerId: '6f1c2a3b-0000-4000-8000-000000000043' }));
    expect(verifyOffer(bytes, signature, context())).toMatchObject({ ok: false, reason: 'wrong_computer' });
  });

  it('refuses a signed body that is not an answer', () => {
    const bytes = Buffer.from('{"hello":"world"}');
    expect(verifyOffer(bytes, sign(null, bytes, server.privateKey).toString('base64'), context())).toMatchObject({ ok: false, reason: 'malformed' });
  });
});
