import { createHash, createPrivateKey, generateKeyPairSync, KeyObject, sign } from 'node:crypto';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../../infra/config/app-config';
import { KeyEncryption } from './key-encryption';
import { SigningKeysRepository } from './signing-keys.repository';

export interface PublishedKey {
  id: string;
  alg: 'ed25519';
  /** SPKI PEM */
  publicKey: string;
}

/** Retired keys stay published this long, so agents can still verify answers signed just before a rotation. */
export const RETIRED_KEY_GRACE_MS = 7 * 24 * 3600 * 1000;

/**
 * The server's Ed25519 identity: made on first start, kept in PostgreSQL so every API replica
 * signs with the same key, and loaded into memory once (signing is on the check-in hot path).
 */
@Injectable()
export class SigningKeyService implements OnModuleInit {
  private activeKey: { id: string; privateKey: KeyObject; published: PublishedKey };

  constructor(
    private readonly keys: SigningKeysRepository,
    private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    const encryption = new KeyEncryption(this.config.jwtSecret);
    const row = await this.keys.createActiveIfMissing('ed25519', () => {
      const { publicKey, privateKey } = generateKeyPairSync('ed25519');
      const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
      const id = createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
      const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      return { id, publicKeyPem, privateKeyEncrypted: encryption.encrypt(privatePem) };
    });
    this.activeKey = {
      id: row.id,
      privateKey: createPrivateKey(encryption.decrypt(row.privateKeyEncrypted)),
      published: { id: row.id, alg: 'ed25519', publicKey: row.publicKeyPem },
    };
  }

  /** The key agents pin at registration. */
  activePublicKey(): PublishedKey {
    return this.activeKey.published;
  }

  async publishedKeys(): Promise<PublishedKey[]> {
    const rows = await this.keys.findPublished('ed25519', new Date(Date.now() - RETIRED_KEY_GRACE_MS));
    return rows.map((row) => ({ id: row.id, alg: 'ed25519', publicKey: row.publicKeyPem }));
  }

  /** Ed25519 over the exact bytes sent; base64 for the x-patchgate-signature header. */
  sign(body: Buffer): { keyId: string; signature: string } {
    return { keyId: this.activeKey.id, signature: sign(null, body, this.activeKey.privateKey).toString('base64') };
  }
}
