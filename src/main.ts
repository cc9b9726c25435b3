import 'reflect-metadata';
import { ConsoleLogger, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { JsonLogger } from '@actingweb/nestjs';
import { AppModule } from './app.module.js';
import { readEnv, type ExampleEnv } from './env.js';
import { startupErrorLines, withoutDuplicateStartupErrors } from './startup-errors.js';

async function bootstrap(env: ExampleEnv): Promise<void> {
  const logger = withoutDuplicateStartupErrors(
    env.logFormat === 'json'
      ? new JsonLogger({ logLevels: env.logLevels })
      : new ConsoleLogger({ logLevels: env.logLevels }),
  );
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.register(env.actingweb),
    new FastifyAdapter(),
    // abortOnError: false hands startup errors to the catch below, which prints one line.
    { logger, abortOnError: false },
  );
  // SIGTERM/SIGINT: stop accepting requests, finish in-flight ones, close the database.
  app.enableShutdownHooks();
  await app.listen(env.port, env.host);
  Logger.log(
    `ActingWeb example server at ${env.actingweb.baseUrl} (storage: ${env.actingweb.storage?.type})`,
    'Bootstrap',
  );
}

let env: ExampleEnv;
try {
  env = readEnv();
} catch (err) {
  // Bad environment values: the message names the variable.
  console.error(`Invalid configuration: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
bootstrap(env).catch((err: unknown) => {
  const lines = startupErrorLines(err, env);
  // A known startup problem is one line per problem; anything else is a bug and keeps its stack.
  console.error(lines ? lines.join('\n') : err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
