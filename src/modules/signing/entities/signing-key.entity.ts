import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** The server's Ed25519 key pairs; the private half is stored encrypted (see SigningKeyService). */
@Entity('signing_keys')
export class SigningKeyEntity {
  /** First 16 hex digits of the SHA-256 of the public key (SPKI DER). */
  @PrimaryColumn('varchar', { length: 32 })
  id: string;

  @Column('varchar', { length: 16 })
  alg: 'ed25519';

  @Column('text')
  publicKeyPem: string;

  /** base64(iv ‖ auth tag ‖ AES-256-GCM ciphertext of the PKCS#8 PEM). */
  @Column('text')
  privateKeyEncrypted: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  /** Set when a newer key took over; retired keys stay published for a grace period. */
  @Column('timestamptz', { nullable: true })
  retiredAt: Date | null;
}
