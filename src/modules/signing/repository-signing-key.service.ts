import { Injectable, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../../infra/config/app-config';
import { KeyEncryption } from './key-encryption';
import { OpenPgpSigner } from './openpgp-signer';
import { RETIRED_KEY_GRACE_MS } from './signing-key.service';
import { SigningKeysRepository } from './signing-keys.repository';

export interface PublishedOpenPgpKey {
  id: string;
  alg: 'openpgp';
  /** ASCII-armored OpenPGP public key (v4 Ed25519) */
  publicKey: string;
}

/**
 * The OpenPGP key that signs the APT repositories' Release files. Made on first start and kept
 * like the check-in key (signing_keys, alg 'openpgp', private key encrypted with a key derived
 * from JWT_SECRET), so every replica signs with the same key; loaded into memory once.
 */
@Injectable()
export class RepositorySigningKeyService implements OnModuleInit {
  private signer: OpenPgpSigner;

  constructor(
    private readonly keys: SigningKeysRepository,
    private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    const encryption = new KeyEncryption(this.config.jwtSecret);
    const row = await this.keys.createActiveIfMissing('openpgp', async () => {
      const made = await OpenPgpSigner.generate('Patchgate repository signing key');
      return { id: made.keyId, publicKeyPem: made.armoredPublicKey, privateKeyEncrypted: encryption.encrypt(made.armoredPrivateKey) };
    });
    this.signer = await OpenPgpSigner.load(encryption.decrypt(row.privateKeyEncrypted));
  }

  /** The key that signs publications now (what `Signed-By` in a computer's .sources holds). */
  activeSigner(): OpenPgpSigner {
    return this.signer;
  }

  /** The active key and those retired within the grace period, newest first. */
  async publishedKeys(): Promise<PublishedOpenPgpKey[]> {
    const rows = await this.keys.findPublished('openpgp', new Date(Date.now() - RETIRED_KEY_GRACE_MS));
    return rows.map((row) => ({ id: row.id, alg: 'openpgp', publicKey: row.publicKeyPem }));
  }
}
