import { Module } from '@nestjs/common';
import { HttpPlumbingService } from './http-plumbing.service.js';
import { InFlightHandlers } from './in-flight.js';

/**
 * Body parsers, the `_method` override and request ids on the Fastify server;
 * the count of running route handlers that shutdown waits for.
 */
@Module({ providers: [HttpPlumbingService, InFlightHandlers], exports: [InFlightHandlers] })
export class HttpPlumbingModule {}
