import { DynamicModule, ForwardReference, Global, InjectionToken, Module, Type } from '@nestjs/common';
import { ApprovalsCatalogListener } from '../modules/approvals/approvals-catalog.listener';
import { ApprovalsModule } from '../modules/approvals/approvals.module';
import { ContentCatalogListener } from '../modules/content/content-catalog.listener';
import { ContentModule } from '../modules/content/content.module';
import { CATALOG_CHANGE_LISTENERS, CatalogChangeListener } from '../modules/catalog/catalog-change.listener';

/**
 * Where domains that react to catalog changes plug into the sync. To add a listener: import
 * the module that provides (and exports) it in LISTENER_MODULES, and add its class to
 * LISTENERS. The sync calls every listener, in this order, inside each page's transaction.
 * The listeners' domains depend on the catalog, so the list is bound here, outside the module
 * folders, and global: the sync module injects CATALOG_CHANGE_LISTENERS without importing them.
 */
const LISTENER_MODULES: (Type | DynamicModule | ForwardReference)[] = [ApprovalsModule, ContentModule];
const LISTENERS: InjectionToken[] = [ApprovalsCatalogListener, ContentCatalogListener];

@Global()
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
