import { createPublicKey, KeyObject, verify } from 'node:crypto';
import type { SignedOffer } from '../contracts/client-protocol';

export type { OfferedFile, OfferedUpdate } from '../contracts/client-protocol';

/** The signed body of a check-in answer (src/contracts/client-protocol.ts). */
export type Offer = SignedOffer;

export interface VerificationContext {
  /** the pinned server key, SPKI PEM or a KeyObject */
  publicKey: string | KeyObject;
  computerId: string;
  /** seq of the last accepted answer; the new one must be higher */
  lastSeq: number;
  /** the nonce this check-in sent */
  nonce: string;
  now?: Date;
}

export type RefusalReason = 'missing_signature' | 'bad_signature' | 'malformed' | 'wrong_computer' | 'expired' | 'stale_seq' | 'wrong_nonce';

export type Verification = { ok: true; offer: Offer } | { ok: false; reason: RefusalReason; message: string };

/**
 * Decides whether a check-in answer may be acted on. The signature (with the key pinned at
 * registration, never one the answer names) stops a machine in the middle from changing the
 * metadata (WSUSpect); computerId, expiry, seq and nonce stop it from replaying a genuine answer
 * meant for another computer or an older one (a replay or a freeze).
 */
export function verifyOffer(body: Buffer, signature: string | null | undefined, context: VerificationContext): Verification {
  if (!signature) return refuse('missing_signature', 'the answer carries no signature');
  let valid: boolean;
  try {
    const key = typeof context.publicKey === 'string' ? createPublicKey(context.publicKey) : context.publicKey;
    valid = verify(null, body, key, Buffer.from(signature, 'base64'));
  } catch {
    valid = false;
  }
  if (!valid) return refuse('bad_signature', 'the signature does not verify with the pinned server key');

  let offer: Offer;
  try {
    offer = JSON.parse(body.toString('utf8')) as Offer;
  } catch {
    return refuse('malformed', 'the signed body is not JSON');
  }
  if (!isOffer(offer)) return refuse('malformed', 'the signed body is not a check-in answer');
  if (offer.computerId !== context.computerId) return refuse('wrong_computer', `the answer is for computer ${offer.computerId}`);
  const expires = Date.parse(offer.expires);
  const now = (context.now ?? new Date()).getTime();
  if (!Number.isFinite(expires) || expires < now) return refuse('expired', `the answer expired at ${offer.expires}`);
  if (offer.seq <= context.lastSeq) return refuse('stale_seq', `the answer has seq ${offer.seq}, not above the last accepted ${context.lastSeq}`);
  if (offer.nonce !== context.nonce) return refuse('wrong_nonce', 'the answer does not echo the nonce of this check-in');
  return { ok: true, offer };
}

function refuse(reason: RefusalReason, message: string): Verification {
  return { ok: false, reason, message };
}

function isOffer(value: unknown): value is Offer {
  const offer = value as Offer;
  return (
    typeof offer === 'object' && offer !== null &&
    typeof offer.computerId === 'string' && typeof offer.expires === 'string' && Number.isSafeInteger(offer.seq) &&
    typeof offer.nextCheckInSeconds === 'number' && Array.isArray(offer.updates) &&
    offer.updates.every((u) => typeof u?.updateId === 'string' && Number.isInteger(u.revision) && Array.isArray(u.files))
  );
}
