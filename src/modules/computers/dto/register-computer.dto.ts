import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { RegisterRequest, RegisterResponse, ServerPublicKey } from '../../../contracts/client-protocol';
import { Transform, Type } from 'class-transformer';
import { IsDefined, IsOptional, IsString, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { IsPlainText } from '../../approvals/dto/text.validators';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class ReportedOsDto {
  @ApiProperty({ example: 'windows' })
  @Transform(trim) @IsString() @MinLength(1) @MaxLength(64) @IsPlainText()
  family: string;

  @ApiProperty({ example: '10.0.26100' })
  @Transform(trim) @IsString() @MinLength(1) @MaxLength(64) @IsPlainText()
  version: string;
}

/** POST /client/v1/register of src/contracts/client-protocol.ts, validated. */
export class RegisterComputerDto implements RegisterRequest {
  @ApiProperty({ description: 'an enrollment key (`pge_…`) from POST /api/v1/enrollment-keys', writeOnly: true })
  @IsString() @MinLength(1) @MaxLength(200)
  enrollmentKey: string;

  @ApiProperty({ example: 'ws-0042.corp.example.com' })
  @Transform(trim) @IsString() @MinLength(1) @MaxLength(255) @IsPlainText()
  hostname: string;

  @ApiProperty({ type: ReportedOsDto })
  @IsDefined() @ValidateNested() @Type(() => ReportedOsDto)
  os: ReportedOsDto;

  @ApiProperty({ example: 'x64' })
  @Transform(trim) @IsString() @MinLength(1) @MaxLength(32) @IsPlainText()
  arch: string;

  @ApiProperty({ example: '1.4.2' })
  @Transform(trim) @IsString() @MinLength(1) @MaxLength(64) @IsPlainText()
  agentVersion: string;

  @ApiPropertyOptional({
    example: 'Ring 1 - Pilot',
    description: 'with client-side targeting, the group to join (by name, case-insensitive); an unknown name lands in Unassigned Computers and is kept',
  })
  @IsOptional() @Transform(trim) @IsString() @MinLength(1) @MaxLength(100) @IsPlainText()
  requestedGroup?: string;
}

export class ServerPublicKeyDto implements ServerPublicKey {
  @ApiProperty() id: string;
  @ApiProperty({ enum: ['ed25519'] }) alg: 'ed25519';
  @ApiProperty({ description: 'SPKI PEM; verifies the x-patchgate-signature of check-in answers' }) publicKey: string;
}

export class RegisteredComputerDto implements RegisterResponse {
  @ApiProperty() computerId: string;
  @ApiProperty({ description: 'the computer\'s bearer token (`pgc_…`); shown this once, only its hash is kept' }) token: string;
  @ApiProperty({ type: ServerPublicKeyDto }) serverPublicKey: ServerPublicKeyDto;
  @ApiProperty({ description: 'how often to check in' }) checkInSeconds: number;
}

export class ComputerIdentityDto {
  @ApiProperty() computerId: string;
  @ApiProperty() hostname: string;
  @ApiProperty() groupId: string;
  @ApiProperty() groupName: string;
  @ApiProperty({ nullable: true }) requestedGroup: string | null;
  @ApiProperty() checkInSeconds: number;
}
