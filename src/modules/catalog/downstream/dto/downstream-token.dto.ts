import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';

export class CreateDownstreamTokenDto {
  @ApiProperty({ example: 'branch-office-lyon', description: 'which downstream server uses it' })
  @IsString() @MinLength(1) @MaxLength(100)
  name: string;
}

export class DownstreamTokenDto {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty() createdAt: string;
  @ApiProperty({ nullable: true }) lastUsedAt: string | null;
  @ApiProperty({ nullable: true }) revokedAt: string | null;
}

export class CreatedDownstreamTokenDto extends DownstreamTokenDto {
  @ApiProperty({ description: 'the token (`pgd_…`); shown this once, only its hash is kept' }) token: string;
}
