import { Global, Module } from '@nestjs/common';
import { RateLimits } from './rate-limits.service';

/** Rate limits of the API (login failures, computers, API tokens); needs the RedisModule. */
@Global()
@Module({ providers: [RateLimits], exports: [RateLimits] })
export class RateLimitModule {}
