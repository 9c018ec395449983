import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

export type SigningKeyAlg = 'ed25519' | 'openpgp';

/**
 * The server's key pairs, one active per alg: 'ed25519' signs check-in answers (SigningKeyService),
 * 'openpgp' signs the APT repositories (RepositorySigningKeyService). The private half is stored encrypted.
 */
@Entity('signing_keys')
export class SigningKeyEntity {
  /** ed25519: first 16 hex digits of the SHA-256 of the public key (SPKI DER); openpgp: the 16-hex-digit key ID. */
  @PrimaryColumn('varchar', { length: 32 })
  id: string;

  @Column('varchar', { length: 16 })
  alg: SigningKeyAlg;

  /** ed25519: SPKI PEM; openpgp: the ASCII-armored public key. */
  @Column('text')
  publicKeyPem: string;

  /** base64(iv ‖ auth tag ‖ AES-256-GCM ciphertext of the PKCS#8 PEM, or of the armored OpenPGP private key). */
  @Column('text')
  privateKeyEncrypted: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  /** Set when a newer key took over; retired keys stay published for a grace period. */
  @Column('timestamptz', { nullable: true })
  retiredAt: Date | null;
}
