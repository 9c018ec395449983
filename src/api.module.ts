import { DynamicModule, Module } from '@nestjs/common';
import { CoreModule } from './core.module';
import { AppConfig } from './infra/config/app-config';
import { AuthModule } from './modules/auth/auth.module';
import { CatalogModule } from './modules/catalog/catalog.module';
import { HealthModule } from './modules/health/health.module';
import { SigningModule } from './modules/signing/signing.module';
import { UsersModule } from './modules/users/users.module';

/** The HTTP API: every controller, no queue consumers. */
@Module({})
export class ApiModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        CoreModule.forRoot(config),
        AuthModule,
        UsersModule,
        HealthModule,
        CatalogModule,
        SigningModule,
      ],
    };
  }
}
