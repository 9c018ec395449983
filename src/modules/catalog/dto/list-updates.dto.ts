import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../../common/pagination/page';
import { CLASSIFICATIONS, Classification, SEVERITIES, Severity, UPDATE_STATES, UpdateState } from '../update-revision';

const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export class ListUpdatesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: CLASSIFICATIONS })
  @IsOptional() @IsIn(CLASSIFICATIONS)
  classification?: Classification;

  @ApiPropertyOptional({ description: 'product path; matches it and every product below it', example: 'Windows/Windows 11' })
  @IsOptional() @IsString() @MaxLength(200)
  product?: string;

  @ApiPropertyOptional({ enum: SEVERITIES })
  @IsOptional() @IsIn(SEVERITIES)
  severity?: Severity;

  @ApiPropertyOptional({ description: 'text in the title, or an exact KB or CVE id' })
  @IsOptional() @IsString() @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ description: 'has (true) or lacks (false) an install approval for some group' })
  @IsOptional() @Transform(toBoolean) @IsBoolean()
  approved?: boolean;

  @ApiPropertyOptional({ description: 'globally declined (true) or not (false)' })
  @IsOptional() @Transform(toBoolean) @IsBoolean()
  declined?: boolean;

  @ApiPropertyOptional({ description: 'baseline packages of APT releases (true) or updates (false); omitted: both (docs/debian.md)' })
  @IsOptional() @Transform(toBoolean) @IsBoolean()
  baseline?: boolean;

  @ApiPropertyOptional({ enum: UPDATE_STATES })
  @IsOptional() @IsIn(UPDATE_STATES)
  state?: UpdateState;
}
