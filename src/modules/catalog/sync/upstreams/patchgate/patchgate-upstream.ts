import { Injectable } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Equals, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { PageFetcher } from '../../page-fetcher';
import { AcceptedUpstreamConfig, Upstream, UpstreamKindHandler, UpstreamReader } from '../upstream-kind';
import { IsUpstreamUrl } from '../upstream-url';
import { PatchgateUpstreamReader } from './patchgate-upstream-reader';

const SCHEMES = ['http:', 'https:'] as const;

export class PatchgateUpstreamConfigDto {
  @ApiProperty({ enum: ['patchgate'], description: 'another Patchgate server' })
  @Equals('patchgate')
  kind: 'patchgate';

  @ApiProperty({ description: "the upstream server's `/upstream/v1/catalog` URL (http:// or https://)", example: 'https://hq.example.com/upstream/v1/catalog' })
  @IsString() @MaxLength(2048) @IsUpstreamUrl('patchgate', SCHEMES)
  url: string;

  @ApiPropertyOptional({
    nullable: true,
    writeOnly: true,
    description:
      'the downstream token the upstream server issued (required). Omit to keep the stored token while kind and url stay the same. Never returned.',
  })
  @IsOptional() @IsString() @MinLength(1) @MaxLength(1024)
  token?: string | null;
}

/** `patchgate`: another Patchgate server's catalog, read from where the previous run left off. */
@Injectable()
export class PatchgateUpstream implements UpstreamKindHandler<null> {
  readonly kind = 'patchgate';
  readonly configDto = PatchgateUpstreamConfigDto;
  readonly schemes = SCHEMES;
  readonly token = 'required';
  readonly resumesFromCursor = true;
  readonly expiresUnlisted = false;

  constructor(private readonly fetcher: PageFetcher) {}

  async acceptConfig(dto: PatchgateUpstreamConfigDto): Promise<AcceptedUpstreamConfig<null>> {
    return { url: dto.url, token: dto.token, settings: null };
  }

  viewConfig(upstream: Upstream<null>): Record<string, unknown> {
    return { url: upstream.url };
  }

  createReader(upstream: Upstream<null>): UpstreamReader {
    return new PatchgateUpstreamReader(upstream, this.fetcher);
  }
}
