import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApprovalsModule } from '../approvals/approvals.module';
import { CatalogModule } from '../catalog/catalog.module';
import { GroupsModule } from '../groups/groups.module';
import { SettingsModule } from '../settings/settings.module';
import { SigningModule } from '../signing/signing.module';
import { ClientController } from './client.controller';
import { ComputerTokenCache } from './computer-token.cache';
import { ComputersController } from './computers.controller';
import { ComputersRepository } from './computers.repository';
import { ComputersService } from './computers.service';
import { EnrollmentKeysController } from './enrollment-keys.controller';
import { EnrollmentKeysRepository } from './enrollment-keys.repository';
import { EnrollmentService } from './enrollment.service';
import { ComputerEntity } from './entities/computer.entity';
import { EnrollmentKeyEntity } from './entities/enrollment-key.entity';
import { ComputerTokenStrategy } from './strategies/computer-token.strategy';
import { ContentCoreModule } from '../content/content-core.module';

/**
 * Computers, their enrollment and their token. Provides the `computer` strategy the global
 * AccessGuard calls for @ComputerOnly() routes, so it must be part of the API application.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([ComputerEntity, EnrollmentKeyEntity]),
    PassportModule,
    GroupsModule,
    ApprovalsModule,
    CatalogModule,
    SettingsModule,
    SigningModule,
    ContentCoreModule,
  ],
  controllers: [ComputersController, EnrollmentKeysController, ClientController],
  providers: [ComputersRepository, ComputersService, EnrollmentKeysRepository, EnrollmentService, ComputerTokenStrategy, ComputerTokenCache],
  exports: [ComputersRepository, ComputerTokenStrategy],
})
export class ComputersModule {}
