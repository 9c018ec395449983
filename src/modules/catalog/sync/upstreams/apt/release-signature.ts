import { createMessage, Key, readCleartextMessage, readKeys, readSignature, verify } from 'openpgp';
import { UpstreamRefusedError } from '../upstream-kind';

/** The public keys of an ASCII-armored keyring; throws with a reason an admin can act on. */
export async function readArmoredKeyring(armored: string): Promise<Key[]> {
  let keys: Key[];
  try {
    keys = await readKeys({ armoredKeys: armored });
  } catch (error) {
    throw new Error(`keyring is not an ASCII-armored OpenPGP public key block (${(error as Error).message.slice(0, 200)})`, { cause: error });
  }
  if (keys.length === 0) throw new Error('keyring names no key');
  if (keys.some((k) => k.isPrivate())) throw new Error('keyring holds a private key; give only the public keys');
  return keys;
}

export function describeKeys(keys: Key[]): { fingerprint: string; userIds: string[] }[] {
  return keys.map((k) => ({ fingerprint: k.getFingerprint().toUpperCase(), userIds: k.getUserIDs() }));
}

function reason(error: unknown): string {
  const message = (error as Error).message ?? String(error);
  if (/could not find signing key/i.test(message)) return 'signed by a key that is not in the configured keyring';
  return message.replace(/\s+/g, ' ').slice(0, 300);
}

/** Verifies a clearsigned InRelease; returns only the signed text (never the text around it). */
export async function verifyInRelease(text: string, keys: Key[], what: string): Promise<string> {
  let message;
  try {
    message = await readCleartextMessage({ cleartextMessage: text });
  } catch {
    throw new UpstreamRefusedError(`${what}: not a clearsigned OpenPGP message (unsigned?)`);
  }
  try {
    const result = await verify({ message, verificationKeys: keys, expectSigned: true });
    return result.data;
  } catch (error) {
    throw new UpstreamRefusedError(`${what}: signature refused: ${reason(error)}`);
  }
}

/** Verifies Release against its detached signature Release.gpg (armored or binary); returns the Release text. */
export async function verifyDetachedRelease(release: Buffer, signature: Buffer, keys: Key[], what: string): Promise<string> {
  let parsed;
  try {
    const armored = signature.toString('latin1').includes('-----BEGIN PGP SIGNATURE-----');
    parsed = armored ? await readSignature({ armoredSignature: signature.toString('utf8') }) : await readSignature({ binarySignature: new Uint8Array(signature) });
  } catch {
    throw new UpstreamRefusedError(`${what}: Release.gpg is not an OpenPGP signature`);
  }
  try {
    const message = await createMessage({ binary: new Uint8Array(release) });
    await verify({ message, signature: parsed, verificationKeys: keys, expectSigned: true, format: 'binary' });
    return release.toString('utf8');
  } catch (error) {
    throw new UpstreamRefusedError(`${what}: signature refused: ${reason(error)}`);
  }
}
