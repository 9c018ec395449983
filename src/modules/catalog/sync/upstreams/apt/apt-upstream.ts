import { Injectable } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, Equals, IsArray, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, NotEquals, ValidateNested } from 'class-validator';
import { PageFetcher } from '../../page-fetcher';
import { AcceptedUpstreamConfig, FieldError, Upstream, UpstreamKindHandler, UpstreamReader } from '../upstream-kind';
import { IsUpstreamUrl } from '../upstream-url';
import { AptArchiveReader } from './apt-archive-reader';
import { AptCatalogRepository } from './apt-catalog.repository';
import { AptUpstreamSettings, DEFAULT_MAX_INDEX_BYTES } from './apt-settings';
import { describeKeys, readArmoredKeyring } from './release-signature';

const SCHEMES = ['http:', 'https:'] as const;
const SUITE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const COMPONENT_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)?$/;
const ARCH_PATTERN = /^[a-z0-9][a-z0-9-]*$/;
const SOURCE_PACKAGE_PATTERN = /^[a-z0-9][a-z0-9+.-]+$/;

export class AptSourceDto {
  @ApiProperty({ description: 'base URL of the archive (the directory holding dists/ and pool/)', example: 'http://deb.debian.org/debian' })
  @IsString() @MaxLength(2048) @IsUpstreamUrl('apt', SCHEMES)
  url: string;

  @ApiProperty({ type: [String], example: ['bookworm', 'bookworm-updates'] })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(20) @IsString({ each: true }) @MaxLength(100, { each: true })
  @Matches(SUITE_PATTERN, { each: true, message: 'each suite must be a plain suite name such as bookworm-security' })
  suites: string[];

  @ApiProperty({ type: [String], example: ['main'] })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(20) @IsString({ each: true }) @MaxLength(100, { each: true })
  @Matches(COMPONENT_PATTERN, { each: true, message: 'each component must be a component name such as main' })
  components: string[];
}

export class AptUpstreamConfigDto {
  @ApiProperty({ enum: ['apt'], description: 'a Debian or Ubuntu archive (docs/debian.md)' })
  @Equals('apt')
  kind: 'apt';

  @ApiProperty({ type: [AptSourceDto], description: 'archives and their suites; Debian keeps -security under another base URL' })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(10) @ValidateNested({ each: true }) @Type(() => AptSourceDto)
  sources: AptSourceDto[];

  @ApiProperty({ type: [String], example: ['amd64'], description: 'dpkg architectures; packages of architecture `all` are always included' })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(20) @IsString({ each: true }) @MaxLength(40, { each: true })
  @Matches(ARCH_PATTERN, { each: true, message: 'each architecture must be a dpkg architecture such as amd64' })
  @NotEquals('all', { each: true, message: 'architecture all is always included; name the machine architectures' })
  architectures: string[];

  @ApiProperty({ description: "the archive's OpenPGP public keys, ASCII-armored (e.g. gpg --export --armor of /usr/share/keyrings/debian-archive-keyring.gpg)" })
  @IsString() @MaxLength(512 * 1024)
  keyring: string;

  @ApiPropertyOptional({ type: [String], description: 'only these source packages become updates; empty or omitted: all', example: ['openssl', 'sudo'] })
  @IsOptional() @IsArray() @ArrayMaxSize(5000) @IsString({ each: true }) @MaxLength(200, { each: true })
  @Matches(SOURCE_PACKAGE_PATTERN, { each: true, message: 'each source package must be a Debian package name' })
  sourcePackages?: string[];

  @ApiPropertyOptional({ description: `largest index accepted, compressed or not, in bytes (default ${DEFAULT_MAX_INDEX_BYTES})` })
  @IsOptional() @IsInt() @Min(1024) @Max(4 * 1024 * 1024 * 1024)
  maxIndexBytes?: number;
}

/**
 * `apt`: a Debian or Ubuntu archive. Its Release files are verified against the configured
 * keyring before anything is parsed; each run reads every configured suite, and the runner
 * expires versions no suite lists any more.
 */
@Injectable()
export class AptUpstream implements UpstreamKindHandler<AptUpstreamSettings> {
  readonly kind = 'apt';
  readonly configDto = AptUpstreamConfigDto;
  readonly schemes = SCHEMES;
  readonly token = 'none';
  readonly resumesFromCursor = false;
  readonly expiresUnlisted = true;

  constructor(
    private readonly fetcher: PageFetcher,
    private readonly repository: AptCatalogRepository,
  ) {}

  async acceptConfig(dto: AptUpstreamConfigDto): Promise<AcceptedUpstreamConfig<AptUpstreamSettings> | { errors: FieldError[] }> {
    let keys;
    try {
      keys = await readArmoredKeyring(dto.keyring);
    } catch (error) {
      return { errors: [{ field: 'keyring', message: (error as Error).message }] };
    }
    const sources = dto.sources.map((s) => ({ url: s.url.replace(/\/+$/, ''), suites: [...new Set(s.suites)], components: [...new Set(s.components)] }));
    const seen = new Set<string>();
    for (const source of sources) {
      for (const suite of source.suites) {
        const key = `${source.url} ${suite}`;
        if (seen.has(key)) return { errors: [{ field: 'sources', message: `suite ${suite} of ${source.url} is listed twice` }] };
        seen.add(key);
      }
    }
    return {
      url: sources[0].url,
      settings: {
        sources,
        architectures: [...new Set(dto.architectures)],
        keyring: dto.keyring,
        keys: describeKeys(keys),
        sourcePackages: [...new Set(dto.sourcePackages ?? [])].sort(),
        maxIndexBytes: dto.maxIndexBytes ?? DEFAULT_MAX_INDEX_BYTES,
      },
    };
  }

  viewConfig(upstream: Upstream<AptUpstreamSettings>): Record<string, unknown> {
    const s = upstream.settings;
    if (!s) return {};
    return { sources: s.sources, architectures: s.architectures, keys: s.keys, sourcePackages: s.sourcePackages, maxIndexBytes: s.maxIndexBytes };
  }

  createReader(upstream: Upstream<AptUpstreamSettings>): UpstreamReader {
    return new AptArchiveReader(upstream, this.fetcher, this.repository);
  }
}
