import type { ModuleMetadata } from '@nestjs/common';
import { ActingWebHealth } from './health.service.js';
import { ActingWebMetrics } from './metrics.service.js';
import { OpsRoutes } from './ops-routes.service.js';

/**
 * Operations (docs/operations.md): `/health`, `/ready` and `/metrics`, each
 * off unless its option turns it on. Registered inside ActingWebModule's own
 * scope (see actingweb.module.ts), because it reads that scope's database,
 * callback delivery and peer client whether or not the module is global.
 * `ActingWebHealth` and `ActingWebMetrics` are exported for applications (a
 * terminus indicator of your own, metrics of your own on the same registry).
 */
export const OPS_FEATURE = {
  providers: [ActingWebHealth, ActingWebMetrics, OpsRoutes],
  exports: [ActingWebHealth, ActingWebMetrics],
} satisfies Required<Pick<ModuleMetadata, 'providers' | 'exports'>>;
