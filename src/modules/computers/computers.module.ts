import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApprovalsModule } from '../approvals/approvals.module';
import { CatalogModule } from '../catalog/catalog.module';
import { GroupsModule } from '../groups/groups.module';
import { SettingsModule } from '../settings/settings.module';
import { SigningModule } from '../signing/signing.module';
import { ComputerTokenCache } from './computer-token.cache';
import { ComputersRepository } from './computers.repository';
import { ComputersService } from './computers.service';
import { EnrollmentKeysRepository } from './enrollment-keys.repository';
import { EnrollmentService } from './enrollment.service';
import { ComputerEntity } from './entities/computer.entity';
import { EnrollmentKeyEntity } from './entities/enrollment-key.entity';

/**
 * Computers, their enrollment and their token cache. The ComputerAuthenticator the global AccessGuard
 * calls for @ComputerAuth(scheme) routes is registered by src/api.module.ts (HTTP only: it uses the
 * API's rate limits).
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([ComputerEntity, EnrollmentKeyEntity]),
    GroupsModule,
    ApprovalsModule,
    CatalogModule,
    SettingsModule,
    SigningModule,
  ],
  providers: [ComputersRepository, ComputersService, EnrollmentKeysRepository, EnrollmentService, ComputerTokenCache],
  exports: [ComputersRepository, ComputerTokenCache, ComputersService, EnrollmentService],
})
export class ComputersModule {}
