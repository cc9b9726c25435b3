import { ConfigurableModuleBuilder } from '@nestjs/common';
import { ACTINGWEB_MODULE_OPTIONS } from './config/actingweb.constants.js';
import type { ActingWebModuleExtras, ActingWebModuleOptions } from './config/actingweb-options.interface.js';

export const {
  ConfigurableModuleClass: ActingWebConfigurableModule,
  OPTIONS_TYPE: ACTINGWEB_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: ACTINGWEB_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<ActingWebModuleOptions>({ optionsInjectionToken: ACTINGWEB_MODULE_OPTIONS })
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createActingWebOptions')
  .setExtras<ActingWebModuleExtras>({ isGlobal: true }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal ?? true,
  }))
  .build();
