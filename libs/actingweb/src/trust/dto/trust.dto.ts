import { Expose, Transform } from 'class-transformer';
import {
  Allow,
  IsBoolean,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
  ValidateBy,
  ValidateIf,
  type ValidationOptions,
} from 'class-validator';
import { callablePeerUrl } from '../../peers/peer-url.js';
import { parseBoolean } from '../parse-boolean.js';
import { PEER_URL_RULE } from '../trust-urls.js';

const PEER_ID = /^[A-Za-z0-9._:@-]+$/;

/** Largest free-text field of a trust (`desc`), in UTF-8 bytes. */
export const MAX_TRUST_TEXT_BYTES = 1024;

/** A string of at most `max` UTF-8 bytes (a length in characters would let multi-byte text grow 4×). */
function MaxBytes(max: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'maxBytes',
      constraints: [max],
      validator: {
        validate: (value: unknown) => typeof value === 'string' && Buffer.byteLength(value, 'utf8') <= max,
        defaultMessage: (args) => `${args?.property ?? 'value'} must be at most ${max} bytes`,
      },
    },
    options,
  );
}

/** An absolute http(s) URL of a peer's root (see `normalizePeerUrl`). */
function IsPeerUrl(): PropertyDecorator {
  return ValidateBy({
    name: 'peerUrl',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && callablePeerUrl(value) !== null,
      defaultMessage: (args) =>
        typeof args?.value === 'string' ? PEER_URL_RULE : `${args?.property ?? 'value'} must be a URL`,
    },
  });
}

/** A wire boolean: `true`/`false`, or the strings Python peers send (`"true"`, `"False"`). */
const WireBoolean = () => Transform(({ value }: { value: unknown }) => parseBoolean(value) ?? value);

/** `POST /<me>/trust`: ask this actor to start a trust with another (creator, admin or trustee). */
export class InitiateTrustDto {
  @IsString()
  @Length(1, 2048)
  url!: string;

  @IsOptional()
  @IsString()
  @Length(1, 64)
  relationship?: string;

  @IsOptional()
  @IsString()
  @MaxBytes(MAX_TRUST_TEXT_BYTES)
  desc?: string;

  /** Expected peer type URN. */
  @IsOptional()
  @IsString()
  @MaxBytes(512)
  type?: string;
}

/**
 * `POST /<me>/trust/<relationship>`: a peer asks for a trust (ActingWeb spec, "Creation of a Trust Relationship").
 * Anyone may send one, so every field is bounded in bytes.
 */
export class TrustRequestDto {
  @IsString()
  @Length(1, 100)
  @Matches(PEER_ID, { message: 'id must be an actor id' })
  id!: string;

  /** Any non-empty string (as the reference accepts); only an http(s) URL is ever called. */
  @IsString()
  @Length(1, 2048)
  @MaxBytes(2048)
  baseuri!: string;

  @IsOptional()
  @IsString()
  @MaxBytes(512)
  type?: string;

  @IsOptional()
  @IsString()
  @Length(16, 512)
  @MaxBytes(512)
  secret?: string;

  @IsOptional()
  @IsString()
  @MaxBytes(MAX_TRUST_TEXT_BYTES)
  desc?: string;

  @IsOptional()
  @IsString()
  @MaxBytes(512)
  verify?: string;
}

/** `PUT /<me>/trust/trustee`. */
export class TrusteeDto {
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  trustee_root?: string;

  @IsOptional()
  @IsString()
  @MaxLength(255)
  creator?: string;
}

/**
 * `PUT /<me>/trust/<relationship>/<peer>`: what the creator (trustee, admin)
 * changes. A field sent as `null` counts as sent, and is refused.
 */
export class TrustChangeDto {
  @ValidateIf((o: TrustChangeDto) => o.approved !== undefined)
  @WireBoolean()
  @IsBoolean({ message: 'approved must be true or false' })
  approved?: boolean;

  /** `desc`, or `description` when there is no `desc`. */
  @Expose()
  @Transform(({ obj }: { obj: Record<string, unknown> }) => obj.desc ?? obj.description)
  @ValidateIf((o: TrustChangeDto) => o.desc !== undefined)
  @MaxBytes(MAX_TRUST_TEXT_BYTES, {
    message: `desc must be a string of at most ${MAX_TRUST_TEXT_BYTES} bytes`,
  })
  desc?: string;

  @ValidateIf((o: TrustChangeDto) => o.baseuri !== undefined)
  @IsPeerUrl()
  baseuri?: string;

  /** A permission override, validated as by `PUT .../permissions`. */
  @Allow()
  permissions?: unknown;
}

/** `POST /<me>/trust/<relationship>/<peer>`: the peer tells us whether it approved. */
export class PeerApprovalDto {
  @WireBoolean()
  @IsBoolean({ message: 'Body must be {"approved": true|false}' })
  approved!: boolean;
}
