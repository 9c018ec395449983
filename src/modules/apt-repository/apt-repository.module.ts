import { Module } from '@nestjs/common';
import { SigningModule } from '../signing/signing.module';
import { AptPublicationsRepository } from './apt-publications.repository';
import { AptPublisherService } from './apt-publisher.service';

/** APT repositories served to computers (docs/debian.md): publications, their signing and storage. */
@Module({
  imports: [SigningModule],
  providers: [AptPublicationsRepository, AptPublisherService],
  exports: [AptPublisherService, AptPublicationsRepository],
})
export class AptRepositoryModule {}
