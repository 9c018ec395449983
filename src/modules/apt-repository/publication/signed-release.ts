import { OpenPgpSigner } from '../../signing/openpgp-signer';

export interface SignedRelease {
  release: Buffer;
  /** Release.gpg: detached, armored */
  releaseGpg: Buffer;
  /** InRelease: Release clearsigned */
  inRelease: Buffer;
}

export async function signRelease(release: string, signer: OpenPgpSigner): Promise<SignedRelease> {
  const bytes = Buffer.from(release, 'utf8');
  const [inRelease, releaseGpg] = await Promise.all([signer.clearsign(release), signer.detachSign(bytes)]);
  return { release: bytes, releaseGpg: Buffer.from(releaseGpg, 'utf8'), inRelease: Buffer.from(inRelease, 'utf8') };
}
