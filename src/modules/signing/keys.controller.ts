import { Controller, Get } from '@nestjs/common';
import { ApiProperty, ApiTags } from '@nestjs/swagger';
import { Public } from '../../common/auth/access.decorators';
import { RepositorySigningKeyService } from './repository-signing-key.service';
import { SigningKeyService } from './signing-key.service';

class PublishedKeyDto {
  @ApiProperty() id: string;
  @ApiProperty({ enum: ['ed25519', 'openpgp'], description: 'ed25519 verifies check-in answers; openpgp verifies the APT repositories (Release files)' })
  alg: 'ed25519' | 'openpgp';
  @ApiProperty({ description: 'ed25519: SPKI PEM; openpgp: ASCII-armored public key' }) publicKey: string;
}

class PublishedKeysDto {
  @ApiProperty({ type: [PublishedKeyDto] }) keys: PublishedKeyDto[];
}

@ApiTags('client')
@Controller('client/v1/keys')
export class KeysController {
  constructor(
    private readonly signing: SigningKeyService,
    private readonly repositorySigning: RepositorySigningKeyService,
  ) {}

  /**
   * The public keys that verify check-in answers (alg ed25519: x-patchgate-signature, key id in
   * x-patchgate-key-id), then those that verify the APT repositories (alg openpgp). The ed25519
   * keys come first: agents pick by alg and key id.
   */
  @Get()
  @Public()
  async list(): Promise<PublishedKeysDto> {
    const [checkIn, repository] = await Promise.all([this.signing.publishedKeys(), this.repositorySigning.publishedKeys()]);
    return { keys: [...checkIn, ...repository] };
  }
}
