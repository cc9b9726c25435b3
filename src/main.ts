import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module.js';
import { readEnv } from './env.js';

async function bootstrap(): Promise<void> {
  const env = readEnv();
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.register(env.actingweb),
    new FastifyAdapter(),
    {
      logger: env.logLevels,
    },
  );
  // SIGTERM/SIGINT: stop accepting requests, finish in-flight ones, close the database.
  app.enableShutdownHooks();
  await app.listen(env.port, env.host);
  Logger.log(
    `ActingWeb example server at ${env.actingweb.baseUrl} (storage: ${env.actingweb.storage?.type})`,
    'Bootstrap',
  );
}

bootstrap().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
