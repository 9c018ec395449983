import { Body, Controller, Headers, HttpCode, OnModuleInit, Post, Req, Res } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ApiHeader, ApiNotModifiedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { FastifyReply, FastifyRequest } from 'fastify';
import { KEY_ID_HEADER, SIGNATURE_HEADER } from '../../contracts/client-protocol';
import { AppConfig } from '../../infra/config/app-config';
import { ComputerAuth } from '../../common/auth/access.decorators';
import { HttpRoute, setRouteShortcut } from '../../infra/http/http-server';
import { ComputerPrincipal, CurrentComputer } from '../../common/auth/computer-principal';
import { ComputerAuthenticator } from '../computers/auth/computer-authenticator';
import { RequestMetrics } from '../metrics/request-metrics';
import { CheckInService } from './check-in.service';
import { CheckInDto } from './dto/check-in.dto';
import { SignedOfferDto } from './dto/signed-offer.dto';

/** The name of the check-in's shortcut past Nest's router (HttpRoute, setRouteShortcut). */
export const CHECK_IN_SHORTCUT = 'check-in';

@ApiTags('client')
@Controller('client/v1/checkin')
export class CheckInController implements OnModuleInit {
  constructor(
    private readonly checkIns: CheckInService,
    private readonly config: AppConfig,
    private readonly metrics: RequestMetrics,
    private readonly computers: ComputerAuthenticator,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  /**
   * A fleet checks in every few minutes per computer, and most answers are a bodiless 304: Nest's
   * router (guard, interceptors, pipe, RxJS) cost more than the answer. So the route is served by
   * `shortcut` first, a plain Fastify handler doing what that router does for this route, and by
   * `checkIn` (through the router) for whatever the shortcut leaves.
   */
  onModuleInit(): void {
    setRouteShortcut(this.adapterHost.httpAdapter.getInstance(), CHECK_IN_SHORTCUT, (request, reply) => this.shortcut(request, reply));
  }

  /**
   * The computer's offer, signed (Ed25519 over the exact body bytes). With the ETag of its last
   * answer in If-None-Match, an unchanged offer is a bodiless 304.
   */
  @Post()
  @ComputerAuth('bearer')
  @HttpRoute({ bodyLimit: 256 * 1024, shortcut: CHECK_IN_SHORTCUT })
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
    await this.answer(computer, dto, ifNoneMatch, request, reply);
  }

  /**
   * The route without Nest's router: the body the precheck accepts (anything else is left to the
   * router, for the validation errors), the computer authenticated as the global AccessGuard does
   * for @ComputerAuth('bearer') (the same ComputerAuthenticator call, so the same token check and
   * per-computer rate limit; its 401 and 429 are thrown to the same exception filter), then the
   * same answer. Check-ins are no admin-API calls: the audit interceptor records none either way.
   */
  private async shortcut(request: FastifyRequest, reply: FastifyReply): Promise<boolean> {
    const dto = CheckInDto.precheck(request.body);
    const ifNoneMatch = request.headers['if-none-match'];
    if (!dto || (ifNoneMatch !== undefined && typeof ifNoneMatch !== 'string')) {
      this.metrics.checkInByRouter.inc();
      return false;
    }
    this.metrics.checkInByShortcut.inc();
    const computer = await this.computers.authenticate(request, 'bearer', reply);
    (request as FastifyRequest & { user?: ComputerPrincipal }).user = computer;
    await this.answer(computer, dto, ifNoneMatch, request, reply);
    return true;
  }

  private async answer(computer: ComputerPrincipal, dto: CheckInDto, ifNoneMatch: string | undefined, request: FastifyRequest, reply: FastifyReply): Promise<void> {
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
