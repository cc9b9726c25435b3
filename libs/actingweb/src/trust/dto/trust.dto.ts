import { IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';

const PEER_ID = /^[A-Za-z0-9._:@-]+$/;

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
  @MaxLength(1024)
  desc?: string;

  /** Expected peer type URN. */
  @IsOptional()
  @IsString()
  @MaxLength(512)
  type?: string;
}

/** `POST /<me>/trust/<relationship>`: a peer asks for a trust (§8.4 step 4). */
export class TrustRequestDto {
  @IsString()
  @Length(1, 100)
  @Matches(PEER_ID, { message: 'id must be an actor id' })
  id!: string;

  @IsString()
  @Length(1, 2048)
  baseuri!: string;

  @IsOptional()
  @IsString()
  @MaxLength(512)
  type?: string;

  @IsOptional()
  @IsString()
  @Length(16, 512)
  secret?: string;

  @IsOptional()
  @IsString()
  @MaxLength(1024)
  desc?: string;

  @IsOptional()
  @IsString()
  @MaxLength(512)
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
