import { Injectable, type PipeTransform } from '@nestjs/common';
import { BadRequestError } from '../../errors/actingweb.errors.js';
import { parseSequence } from '../dto/subscription.dto.js';

/** A `:sequence` route parameter: a non-negative integer, 400 otherwise. */
@Injectable()
export class SequencePipe implements PipeTransform<string, number> {
  transform(raw: string): number {
    const sequence = parseSequence(raw);
    if (sequence === null)
      throw new BadRequestError('The sequence must be a non-negative integer', 'invalid_sequence');
    return sequence;
  }
}
