import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from './infra/config/app-config';
import { ConfigModule } from './infra/config/config.module';
import { DatabaseModule } from './infra/database/database.module';
import { LoggingModule } from './infra/logging/logging.module';
import { QueueModule, QueueRole } from './infra/queue/queue.module';
import { RedisModule } from './infra/redis/redis.module';
import { OfferVersionsModule } from './modules/offer-versions/offer-versions.module';

/** What both entry points need: config, logs, PostgreSQL, Redis and the queues. */
@Module({})
export class CoreModule {
  static forRoot(config: AppConfig, role: QueueRole): DynamicModule {
    const queues = QueueModule.forRoot(role);
    return {
      module: CoreModule,
      imports: [ConfigModule.forRoot(config), LoggingModule, DatabaseModule, RedisModule, queues, OfferVersionsModule],
      exports: [ConfigModule, RedisModule, queues, OfferVersionsModule],
    };
  }
}
