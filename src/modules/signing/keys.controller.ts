import { Controller, Get } from '@nestjs/common';
import { ApiProperty, ApiTags } from '@nestjs/swagger';
import { Public } from '../../common/auth/access.decorators';
import { PublishedKey, SigningKeyService } from './signing-key.service';

class PublishedKeyDto implements PublishedKey {
  @ApiProperty() id: string;
  @ApiProperty({ enum: ['ed25519'] }) alg: 'ed25519';
  @ApiProperty({ description: 'SPKI PEM' }) publicKey: string;
}

class PublishedKeysDto {
  @ApiProperty({ type: [PublishedKeyDto] }) keys: PublishedKeyDto[];
}

@ApiTags('client')
@Controller('client/v1/keys')
export class KeysController {
  constructor(private readonly signing: SigningKeyService) {}

  /** The public keys that verify check-in answers (x-patchgate-signature, key id in x-patchgate-key-id). */
  @Get()
  @Public()
  async list(): Promise<PublishedKeysDto> {
    return { keys: await this.signing.publishedKeys() };
  }
}
