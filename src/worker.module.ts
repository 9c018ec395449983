import { DynamicModule, Module } from '@nestjs/common';
import { CoreModule } from './core.module';
import { AppConfig } from './infra/config/app-config';

/** The BullMQ consumers: no HTTP. */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        CoreModule.forRoot(config),
      ],
    };
  }
}
