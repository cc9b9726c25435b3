import {
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
  ValidateBy,
  type ValidationOptions,
} from 'class-validator';

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
 * `POST /<me>/trust/<relationship>`: a peer asks for a trust (§8.4 step 4).
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
