import { Module } from '@nestjs/common';
import { HttpPlumbingService } from './http-plumbing.service.js';

/** Body parsers, the `_method` override and request ids on the Fastify server. */
@Module({ providers: [HttpPlumbingService] })
export class HttpPlumbingModule {}
