import { createHash, timingSafeEqual } from 'node:crypto';
import { Controller, Get, Headers, HttpStatus, Res } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { Public } from '../../common/auth/access.decorators';
import { DomainError } from '../../common/errors/domain-error';
import { AppConfig } from '../../infra/config/app-config';
import { MetricsRegistry } from './metrics-registry';

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * Prometheus scrape endpoint. With PATCHGATE_METRICS_TOKEN it wants `Authorization: Bearer
 * <token>`, compared in constant time; without one it is open only with PATCHGATE_METRICS_OPEN=true
 * or in local mode, and otherwise answers 404 (closed by default).
 */
@ApiTags('metrics')
@Controller('metrics')
export class MetricsController {
  private readonly tokenDigest: Buffer | null;
  private readonly open: boolean;

  constructor(
    private readonly metrics: MetricsRegistry,
    config: AppConfig,
  ) {
    this.tokenDigest = config.metricsToken ? digest(config.metricsToken) : null;
    this.open = config.metricsOpen;
  }

  @Get()
  @Public()
  @ApiOkResponse({ description: 'Prometheus text format' })
  async scrape(@Headers('authorization') authorization: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    if (!this.tokenDigest && !this.open) {
      throw new DomainError('not_found', HttpStatus.NOT_FOUND, 'metrics are off: set PATCHGATE_METRICS_TOKEN (or PATCHGATE_METRICS_OPEN=true)');
    }
    if (this.tokenDigest) {
      const [scheme, token] = (authorization ?? '').split(' ');
      if (scheme?.toLowerCase() !== 'bearer' || !token || !timingSafeEqual(digest(token), this.tokenDigest)) {
        throw new DomainError('unauthorized', HttpStatus.UNAUTHORIZED, 'a valid metrics bearer token is required');
      }
    }
    await reply.header('content-type', this.metrics.contentType).send(await this.metrics.metrics());
  }
}
