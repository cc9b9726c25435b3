import { type CanActivate, Inject, Injectable } from '@nestjs/common';
import { AwConfig } from '../config/aw-config.js';
import { NotFoundError } from '../errors/actingweb.errors.js';

/** Runs before the access guard: without the `devtest` option every `/devtest` path is 404, whoever asks. */
@Injectable()
export class DevtestEnabledGuard implements CanActivate {
  constructor(@Inject(AwConfig) private readonly config: AwConfig) {}

  canActivate(): boolean {
    if (!this.config.devtest) throw new NotFoundError('Not found', 'devtest_disabled');
    return true;
  }
}
