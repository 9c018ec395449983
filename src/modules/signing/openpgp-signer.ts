import { createCleartextMessage, createMessage, generateKey, PrivateKey, readPrivateKey, sign } from 'openpgp';

export interface GeneratedOpenPgpKey {
  /** 16 hex digits, as gpg prints it */
  keyId: string;
  fingerprint: string;
  armoredPublicKey: string;
  armoredPrivateKey: string;
}

/**
 * An OpenPGP v4 Ed25519 signing key and what APT repositories need from it: the clearsigned
 * InRelease and the detached Release.gpg. v4 with `ed25519Legacy` because bookworm's gpgv (and
 * sqv) reject v6 keys and RFC 9580 `curve25519` (docs/debian.md, "Signing key").
 */
export class OpenPgpSigner {
  private constructor(
    private readonly key: PrivateKey,
    readonly keyId: string,
    readonly fingerprint: string,
    readonly armoredPublicKey: string,
  ) {}

  static async generate(name: string, date = new Date()): Promise<GeneratedOpenPgpKey> {
    const { privateKey, publicKey } = await generateKey({
      type: 'ecc',
      curve: 'ed25519Legacy',
      userIDs: [{ name }],
      date,
      format: 'armored',
    });
    const key = await readPrivateKey({ armoredKey: privateKey });
    if (key.getAlgorithmInfo().algorithm !== 'eddsaLegacy' || key.keyPacket.version !== 4) {
      throw new Error('openpgp made a key apt cannot verify (expected a v4 EdDSA key)');
    }
    return { keyId: key.getKeyID().toHex(), fingerprint: key.getFingerprint(), armoredPublicKey: publicKey, armoredPrivateKey: privateKey };
  }

  static async load(armoredPrivateKey: string): Promise<OpenPgpSigner> {
    const key = await readPrivateKey({ armoredKey: armoredPrivateKey });
    return new OpenPgpSigner(key, key.getKeyID().toHex(), key.getFingerprint(), key.toPublic().armor());
  }

  /**
   * InRelease: the Release text, clearsigned (apt reads the signed text, which must equal Release).
   * openpgp.js writes the text with CRLF line ends; the signature covers the canonical (CRLF)
   * form either way, so the text is given back its LF ends, as Debian's archive writes it. The
   * text's final line end is the one before the signature armor (also as Debian writes it), so
   * the signed text read back (gpgv --output) is `text` exactly.
   */
  async clearsign(text: string): Promise<string> {
    if (text.includes('\r')) throw new Error('clearsigned text must not contain CR');
    const body = text.endsWith('\n') ? text.slice(0, -1) : text;
    const signed = await sign({ message: await createCleartextMessage({ text: body }), signingKeys: this.key });
    return signed.replace(/\r\n/g, '\n');
  }

  /** Release.gpg: an armored detached signature over the exact bytes of Release. */
  async detachSign(bytes: Uint8Array): Promise<string> {
    return sign({ message: await createMessage({ binary: bytes }), signingKeys: this.key, detached: true, format: 'armored' });
  }
}
