import { IsArray, IsIn, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';

const PEER_ID = /^[A-Za-z0-9._:@-]+$/;
const GRANULARITIES = ['high', 'low', 'none'];

/** What a subscription watches and how it is told (§7.1); shared by both ways of subscribing. */
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

/** `POST /<me>/subscriptions/<peer>`: the peer subscribes to this actor (§7.2). */
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

/** `POST /<me>/subscriptions`: the creator asks this actor to subscribe to a peer (§7.3). */
export class InitiateSubscriptionDto extends SubscriptionScopeDto {
  @IsString()
  @Length(1, 100)
  @Matches(PEER_ID, { message: 'peerid must be an actor id' })
  peerid!: string;
}
