import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ActorsModule } from '../actors/actors.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { HooksModule } from '../hooks/hooks.module.js';
import { IdentityModule } from '../identity/identity.module.js';
import { PermissionsModule } from '../permissions/permissions.module.js';
import { PropertiesModule } from '../properties/properties.module.js';
import { SubscriptionsModule } from '../subscriptions/subscriptions.module.js';
import { TrustModule } from '../trust/trust.module.js';
import { ConsoleAccess } from './access/console-access.service.js';
import { AppPagesRoutes } from './http/app-pages.routes.js';
import { ConsoleErrors } from './http/console-errors.js';
import { ConsoleHttp } from './http/console-http.js';
import { OverviewRoutes } from './http/overview.routes.js';
import { PropertiesRoutes } from './http/properties.routes.js';
import { PropertyListRoutes } from './http/property-lists.routes.js';
import { PropertyValueRoutes } from './http/property-values.routes.js';
import { StartRoutes } from './http/start.routes.js';
import { SubscriptionsRoutes } from './http/subscriptions.routes.js';
import { TrustPeerRoutes } from './http/trust-peer.routes.js';
import { TrustRoutes } from './http/trust.routes.js';
import { WwwPageRegistry } from './pages/www-page-registry.service.js';
import { ConsoleCatalog } from './services/console-catalog.service.js';
import { ConsoleOverview } from './services/console-overview.service.js';
import { ConsoleProperties } from './services/console-properties.service.js';
import { ConsoleSubscriptions } from './services/console-subscriptions.service.js';
import { ConsoleTrust } from './services/console-trust.service.js';
import { ConsoleViews } from './views/console-views.service.js';
import { WwwRoutes } from './www.routes.js';

/**
 * The owner's web console (`www` option, `docs/www.md`): server-rendered
 * pages at `/<actorId>/www` for properties, trust, subscriptions, connected
 * applications and the application's methods, the start page at `/www`, and
 * the application's own pages (`@WwwPage`). Sub-folders: `access/` (who may
 * enter), `services/` (what the pages read and change, through the public
 * services), `views/` (templates and the data they get), `pages/` (the
 * application's pages), `http/` (the Fastify routes, registered by
 * `www.routes.ts`). Sessions, CSRF and the page renderer are identity's.
 *
 * Always composed; with `www: false` no route is registered.
 */
@Module({
  imports: [
    DiscoveryModule,
    AuthModule,
    HooksModule,
    PermissionsModule,
    PropertiesModule,
    TrustModule,
    SubscriptionsModule,
    ActorsModule,
    IdentityModule,
  ],
  providers: [
    ConsoleAccess,
    ConsoleViews,
    WwwPageRegistry,
    ConsoleProperties,
    ConsoleTrust,
    ConsoleSubscriptions,
    ConsoleOverview,
    ConsoleCatalog,
    ConsoleHttp,
    ConsoleErrors,
    StartRoutes,
    OverviewRoutes,
    PropertiesRoutes,
    PropertyValueRoutes,
    PropertyListRoutes,
    TrustRoutes,
    TrustPeerRoutes,
    SubscriptionsRoutes,
    AppPagesRoutes,
    WwwRoutes,
  ],
})
export class WwwModule {}
