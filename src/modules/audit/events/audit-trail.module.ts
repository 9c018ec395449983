import { Global, Module } from '@nestjs/common';
import { AuditEventsRepository } from './audit-events.repository';
import { AuditTrail } from './audit-trail.service';
import { AuditTransactionSubscriber } from './audit-transaction.subscriber';
import { DenialThrottle } from './denial-throttle';

/** Global: the login, the error filter and the retention job write audit events from other modules. */
@Global()
@Module({
  providers: [AuditEventsRepository, AuditTrail, AuditTransactionSubscriber, DenialThrottle],
  exports: [AuditEventsRepository, AuditTrail, DenialThrottle],
})
export class AuditTrailModule {}
