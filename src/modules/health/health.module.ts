import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';

/** Liveness and readiness: Terminus' indicators, for the API's HealthController. */
@Module({
  imports: [TerminusModule],
  exports: [TerminusModule],
})
export class HealthModule {}
