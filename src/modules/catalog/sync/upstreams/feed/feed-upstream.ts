import { Injectable } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Equals, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { PageFetcher } from '../../page-fetcher';
import { AcceptedUpstreamConfig, Upstream, UpstreamKindHandler, UpstreamReader } from '../upstream-kind';
import { IsUpstreamUrl } from '../upstream-url';
import { StaticFeedReader } from './static-feed-reader';

const SCHEMES = ['http:', 'https:', 'file:'] as const;

export class FeedUpstreamConfigDto {
  @ApiProperty({ enum: ['feed'], description: 'a static JSON feed (docs/upstream-feed.md)' })
  @Equals('feed')
  kind: 'feed';

  @ApiProperty({ description: 'URL of the first page (http://, https:// or file:///)', example: 'https://mirror.example.com/feed/index.json' })
  @IsString() @MaxLength(2048) @IsUpstreamUrl('feed', SCHEMES)
  url: string;

  @ApiPropertyOptional({
    nullable: true,
    writeOnly: true,
    description: 'Bearer token sent to the feed. Omit to keep the stored token while kind and url stay the same; null removes it. Never returned.',
  })
  @IsOptional() @IsString() @MinLength(1) @MaxLength(1024)
  token?: string | null;
}

/** `feed`: a static JSON feed in the documented page format, over http(s):// or file://. */
@Injectable()
export class FeedUpstream implements UpstreamKindHandler<null> {
  readonly kind = 'feed';
  readonly configDto = FeedUpstreamConfigDto;
  readonly schemes = SCHEMES;
  readonly token = 'optional';
  readonly resumesFromCursor = false;
  readonly expiresUnlisted = false;

  constructor(private readonly fetcher: PageFetcher) {}

  async acceptConfig(dto: FeedUpstreamConfigDto): Promise<AcceptedUpstreamConfig<null>> {
    return { url: dto.url, token: dto.token, settings: null };
  }

  viewConfig(upstream: Upstream<null>): Record<string, unknown> {
    return { url: upstream.url };
  }

  createReader(upstream: Upstream<null>): UpstreamReader {
    return new StaticFeedReader(upstream, this.fetcher);
  }
}
