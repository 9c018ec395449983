import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SigningKeyEntity } from './entities/signing-key.entity';
import { SigningKeysRepository } from './signing-keys.repository';
import { SigningKeyService } from './signing-key.service';
import { RepositorySigningKeyService } from './repository-signing-key.service';

@Module({
  imports: [TypeOrmModule.forFeature([SigningKeyEntity])],
  providers: [SigningKeysRepository, SigningKeyService, RepositorySigningKeyService],
  exports: [SigningKeyService, RepositorySigningKeyService],
})
export class SigningModule {}
