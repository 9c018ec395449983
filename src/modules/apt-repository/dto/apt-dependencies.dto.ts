import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

export class AptDependenciesQueryDto {
  @ApiProperty({ format: 'uuid', description: 'an APT update' }) @IsUUID() updateId: string;
  @ApiProperty({ format: 'uuid', description: 'the group whose approvals the candidate publication holds' }) @IsUUID() groupId: string;
}

export class AptDependenciesDto {
  @ApiProperty({ format: 'uuid' }) updateId: string;
  @ApiProperty({ format: 'uuid' }) groupId: string;
  @ApiProperty({ description: "true when apt could install the update's packages from the baseline plus the group's approved updates" })
  installable: boolean;
  @ApiProperty({ type: [String], description: "apt's lines about what is missing, e.g. `libfoo : Depends: libbar (>= 2) but it is not going to be installed`" })
  unmet: string[];
  @ApiProperty({ type: [String], description: 'what apt was asked to install (`name=version`)' })
  packages: string[];
}
