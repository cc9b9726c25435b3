import { Delete, HttpCode, Inject, Put } from '@nestjs/common';
import { Access, Actor } from '../auth/access.decorators.js';
import { ActorController } from '../auth/actor-controller.decorator.js';
import { ValidBody } from '../http/valid-body.js';
import type { ActorRecord } from '../storage/actor.repository.js';
import { TrusteeDto } from './dto/trust.dto.js';
import { TrusteeService } from './trustee.service.js';

/** `/<id>/trust/trustee` (ActingWeb spec, "Using a Trustee To Manage Relationships"). */
@ActorController('trust/trustee')
export class TrusteeController {
  constructor(@Inject(TrusteeService) private readonly trustee: TrusteeService) {}

  /** Sets the trustee root and/or renames the creator: 204; 409 for a creator another actor holds (`uniqueCreator`). */
  @Put()
  @Access('trust')
  @HttpCode(204)
  async set(@Actor() actor: ActorRecord, @ValidBody(TrusteeDto) dto: TrusteeDto): Promise<void> {
    await this.trustee.set(actor, { trusteeRoot: dto.trustee_root, creator: dto.creator });
  }

  @Delete()
  @Access('trust')
  @HttpCode(204)
  async clear(@Actor() actor: ActorRecord): Promise<void> {
    await this.trustee.clear(actor);
  }
}
