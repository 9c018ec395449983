import { ApiProperty } from '@nestjs/swagger';
import type { OfferAction, OfferedFile, OfferedUpdate, RebootBehavior, SignedOffer } from '../../../contracts/client-protocol';
import { CLASSIFICATIONS, REBOOT_BEHAVIORS, SEVERITIES } from '../../catalog/update-revision';

/**
 * The OpenAPI description of a 200 check-in answer. The body is built and signed as bytes (never
 * serialized from these classes); they only document the contract of src/contracts/client-protocol.ts,
 * which they implement, so the two cannot drift apart silently.
 */
export class OfferedFileDto implements OfferedFile {
  @ApiProperty({ example: 'windows11.0-kb5050001-x64.msu' }) name: string;
  @ApiProperty({ description: 'the upstream URL, or this server\'s /client/v1/content/{sha256} in a storing content mode' }) url: string;
  @ApiProperty({ pattern: '^[0-9a-f]{64}$' }) sha256: string;
  @ApiProperty({ description: 'bytes' }) size: number;
}

export class OfferedUpdateDto implements OfferedUpdate {
  @ApiProperty({ format: 'uuid' }) updateId: string;
  @ApiProperty({ minimum: 1 }) revision: number;
  @ApiProperty() title: string;
  @ApiProperty({ type: [String] }) kb: string[];
  @ApiProperty({ enum: CLASSIFICATIONS }) classification: string;
  @ApiProperty({ enum: SEVERITIES, nullable: true, type: String }) severity: string | null;
  @ApiProperty({ enum: ['install', 'uninstall'] }) action: OfferAction;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'install by then' }) deadline: string | null;
  @ApiProperty({ description: 'the computer may skip it' }) optional: boolean;
  @ApiProperty({ enum: REBOOT_BEHAVIORS }) reboot: RebootBehavior;
  @ApiProperty({ type: [OfferedFileDto] }) files: OfferedFileDto[];
}

export class SignedOfferDto implements SignedOffer {
  @ApiProperty({ format: 'uuid', description: 'the computer the answer is for' }) computerId: string;
  @ApiProperty({ format: 'date-time' }) issuedAt: string;
  @ApiProperty({ format: 'date-time', description: 'act on it only before then' }) expires: string;
  @ApiProperty({ description: 'grows with every answer to this computer; accept only one above the last' }) seq: number;
  @ApiProperty({ nullable: true, type: String, description: 'the nonce of the check-in, echoed' }) nonce: string | null;
  @ApiProperty({ description: 'when to check in next' }) nextCheckInSeconds: number;
  @ApiProperty({ type: [OfferedUpdateDto], description: 'what to install or uninstall, prerequisites first' }) updates: OfferedUpdateDto[];
}
