import { Module, type DynamicModule } from '@nestjs/common';
import { ActingWebModule, type ActingWebModuleExtras, type ActingWebModuleOptions } from '@actingweb/nestjs';
import { NOTES_HOOKS, NOTES_TRUST_TYPES } from './notes/index.js';

/**
 * The example ActingWeb server, a notes app: the module, with the app's own
 * trust type for AI assistants, and the providers holding its hooks
 * (src/notes/). The deployment's options (URL, storage, ...) come from
 * env.ts, or from the testing kit in tests.
 */
@Module({})
export class AppModule {
  static register(options: ActingWebModuleOptions & ActingWebModuleExtras): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ActingWebModule.forRoot({
          ...options,
          trustTypes: [...NOTES_TRUST_TYPES, ...(options.trustTypes ?? [])],
        }),
      ],
      providers: [...NOTES_HOOKS],
    };
  }
}
