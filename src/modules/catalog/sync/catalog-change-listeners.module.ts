import { DynamicModule, ForwardReference, InjectionToken, Module, Type } from '@nestjs/common';
import { ApprovalsCatalogListener } from '../../approvals/approvals-catalog.listener';
import { ApprovalsModule } from '../../approvals/approvals.module';
import { ContentCatalogListener } from '../../content/content-catalog.listener';
import { ContentCoreModule } from '../../content/content-core.module';
import { CATALOG_CHANGE_LISTENERS, CatalogChangeListener } from '../catalog-change.listener';

/**
 * Where domains that react to catalog changes plug into the sync. To add a listener: import
 * the module that provides (and exports) it in LISTENER_MODULES, and add its class to
 * LISTENERS. The sync calls every listener, in this order, inside each page's transaction.
 */
const LISTENER_MODULES: (Type | DynamicModule | ForwardReference)[] = [ApprovalsModule, ContentCoreModule];
const LISTENERS: InjectionToken[] = [ApprovalsCatalogListener, ContentCatalogListener];

@Module({
  imports: LISTENER_MODULES,
  providers: [
    {
      provide: CATALOG_CHANGE_LISTENERS,
      useFactory: (...listeners: CatalogChangeListener[]) => listeners,
      inject: LISTENERS,
    },
  ],
  exports: [CATALOG_CHANGE_LISTENERS],
})
export class CatalogChangeListenersModule {}
