import { Transform } from 'class-transformer';
import { IsArray, IsIn, IsOptional, IsString, Length, Matches, MaxLength, ValidateBy } from 'class-validator';

const PEER_ID = /^[A-Za-z0-9._:@-]+$/;
const GRANULARITIES = ['high', 'low', 'none'];

/**
 * What a subscription watches and how it is told (ActingWeb spec,
 * "Establishing a Subscription"); shared by both ways of subscribing.
 */
export class SubscriptionScopeDto {
  @IsString()
  @Length(1, 64)
  target!: string;

  @IsOptional()
  @IsString()
  @MaxLength(255)
  subtarget?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(1024)
  resource?: string | null;

  @IsOptional()
  @IsIn(GRANULARITIES, { message: 'granularity must be high, low or none' })
  granularity?: 'high' | 'low' | 'none' | null;
}

/** `POST /<me>/subscriptions/<peer>`: the peer subscribes to this actor. */
export class CreateSubscriptionDto extends SubscriptionScopeDto {
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  accept_encoding?: string[] | null;

  /** The Python reference also sends the subscriber's id; it must match the URL when present. */
  @IsOptional()
  @IsString()
  @MaxLength(100)
  id?: string | null;
}

/** `POST /<me>/subscriptions`: the creator asks this actor to subscribe to a peer. */
export class InitiateSubscriptionDto extends SubscriptionScopeDto {
  @IsString()
  @Length(1, 100)
  @Matches(PEER_ID, { message: 'peerid must be an actor id' })
  peerid!: string;
}

/** A sequence number as sent: a non-negative integer, or its decimal text (forms, URLs); null otherwise. */
export function parseSequence(raw: unknown): number | null {
  const value = typeof raw === 'string' && /^\d{1,15}$/.test(raw) ? Number(raw) : raw;
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : null;
}

/** `PUT /<me>/subscriptions/<peer>/<subid>`: clear every diff up to `sequence`. */
export class ClearDiffsDto {
  @Transform(({ value }: { value: unknown }) => parseSequence(value) ?? value)
  @ValidateBy({
    name: 'sequence',
    validator: {
      validate: (value: unknown) => typeof value === 'number' && parseSequence(value) === value,
      defaultMessage: () => 'Body must be {"sequence": <non-negative integer>}',
    },
  })
  sequence!: number;
}
