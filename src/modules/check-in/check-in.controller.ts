import { Body, Controller, Headers, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiNotModifiedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { FastifyReply, FastifyRequest } from 'fastify';
import { KEY_ID_HEADER, SIGNATURE_HEADER } from '../../contracts/client-protocol';
import { AppConfig } from '../../infra/config/app-config';
import { ComputerAuth } from '../../common/auth/access.decorators';
import { BodyLimit } from '../../infra/http/http-server';
import { ComputerPrincipal, CurrentComputer } from '../../common/auth/computer-principal';
import { RequestMetrics } from '../metrics/request-metrics';
import { CheckInService } from './check-in.service';
import { CheckInDto } from './dto/check-in.dto';
import { SignedOfferDto } from './dto/signed-offer.dto';


@ApiTags('client')
@Controller('client/v1/checkin')
export class CheckInController {
  constructor(
    private readonly checkIns: CheckInService,
    private readonly config: AppConfig,
    private readonly metrics: RequestMetrics,
  ) {}

  /**
   * The computer's offer, signed (Ed25519 over the exact body bytes). With the ETag of its last
   * answer in If-None-Match, an unchanged offer is a bodiless 304.
   */
  @Post()
  @ComputerAuth('bearer')
  @BodyLimit(256 * 1024)
  @HttpCode(200)
  @ApiHeader({ name: 'if-none-match', required: false })
  @ApiOkResponse({
    type: SignedOfferDto,
    description: `the offer, signed; signature in ${SIGNATURE_HEADER}, key id in ${KEY_ID_HEADER}`,
    headers: {
      [SIGNATURE_HEADER]: { description: 'Ed25519 signature (base64) over the exact body bytes', schema: { type: 'string' } },
      [KEY_ID_HEADER]: { description: 'the id of the signing key (GET /client/v1/keys)', schema: { type: 'string' } },
      etag: { description: 'send it back in If-None-Match', schema: { type: 'string' } },
    },
  })
  @ApiNotModifiedResponse({ description: 'the offer has not changed since that ETag' })
  async checkIn(
    @Body() dto: CheckInDto,
    @CurrentComputer() computer: ComputerPrincipal,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    // Stored files' URLs: the configured public URL, else the host the computer reached us by.
    const baseUrl = this.config.content.publicUrl ?? `${request.protocol}://${request.host}`;
    const answer = await this.checkIns.checkIn(computer.computerId, dto, ifNoneMatch, baseUrl);
    reply.header('etag', answer.etag).header('cache-control', 'private, no-cache');
    if (answer.kind === 'not-modified') {
      this.metrics.checkInNotModified.inc();
      await reply.code(304).send();
      return;
    }
    this.metrics.checkInAnswered.inc();
    await reply
      .code(200)
      .header('content-type', 'application/json; charset=utf-8')
      .header(SIGNATURE_HEADER, answer.signature)
      .header(KEY_ID_HEADER, answer.keyId)
      .send(answer.body);
  }
}
