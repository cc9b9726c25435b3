import { IsOptional, IsString, IsUrl, Length, MaxLength } from 'class-validator';

/** Body of `POST /` (JSON or form). Unknown fields are ignored, as in the reference. */
export class CreateActorDto {
  @IsOptional()
  @IsString()
  @MaxLength(255)
  creator?: string;

  @IsOptional()
  @IsString()
  @Length(1, 256)
  passphrase?: string;

  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  @MaxLength(2048)
  trustee_root?: string;
}
