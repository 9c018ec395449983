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
 * Prometheus scrape endpoint. Open when PATCHGATE_METRICS_TOKEN is unset (bind or firewall it
 * then); otherwise it wants `Authorization: Bearer <token>`, compared in constant time.
 */
@ApiTags('metrics')
@Controller('metrics')
export class MetricsController {
  private readonly tokenDigest: Buffer | null;

  constructor(
    private readonly metrics: MetricsRegistry,
    config: AppConfig,
  ) {
    this.tokenDigest = config.metricsToken ? digest(config.metricsToken) : null;
  }

  @Get()
  @Public()
  @ApiOkResponse({ description: 'Prometheus text format' })
  async scrape(@Headers('authorization') authorization: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    if (this.tokenDigest) {
      const [scheme, token] = (authorization ?? '').split(' ');
      if (scheme?.toLowerCase() !== 'bearer' || !token || !timingSafeEqual(digest(token), this.tokenDigest)) {
        throw new DomainError('unauthorized', HttpStatus.UNAUTHORIZED, 'a valid metrics bearer token is required');
      }
    }
    await reply.header('content-type', this.metrics.contentType).send(await this.metrics.metrics());
  }
}
