import { Module, type DynamicModule } from '@nestjs/common';
import { ActingWebModule, type ActingWebModuleOptions } from '@actingweb/nestjs';
import { DemoHooks } from './demo.hooks.js';

/** The example ActingWeb server: the module plus one provider with demo hooks. */
@Module({})
export class AppModule {
  static register(options: ActingWebModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [ActingWebModule.forRoot(options)],
      providers: [DemoHooks],
    };
  }
}
