import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SigningKeyEntity } from './entities/signing-key.entity';
import { SigningKeysRepository } from './signing-keys.repository';
import { SigningKeyService } from './signing-key.service';

@Module({
  imports: [TypeOrmModule.forFeature([SigningKeyEntity])],
  providers: [SigningKeysRepository, SigningKeyService],
  exports: [SigningKeyService],
})
export class SigningModule {}
