import { Global, Module } from '@nestjs/common';
import { AuditEventsRepository } from './audit-events.repository';
import { AuditTrail } from './audit-trail.service';

/** Global: the login, the error filter and the retention job write audit events from other modules. */
@Global()
@Module({
  providers: [AuditEventsRepository, AuditTrail],
  exports: [AuditEventsRepository, AuditTrail],
})
export class AuditTrailModule {}
