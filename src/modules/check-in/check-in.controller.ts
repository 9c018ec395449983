import { Body, Controller, Headers, HttpCode, Post, Res } from '@nestjs/common';
import { ApiHeader, ApiNotModifiedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { ComputerOnly } from '../../common/auth/access.decorators';
import { BodyLimit } from '../../infra/http/http-server';
import { ComputerPrincipal, CurrentComputer } from '../computers/computer-principal';
import { CheckInService } from './check-in.service';
import { CheckInDto } from './dto/check-in.dto';

export const SIGNATURE_HEADER = 'x-patchgate-signature';
export const KEY_ID_HEADER = 'x-patchgate-key-id';

@ApiTags('client')
@Controller('client/v1/checkin')
export class CheckInController {
  constructor(private readonly checkIns: CheckInService) {}

  /**
   * The computer's offer, signed (Ed25519 over the exact body bytes). With the ETag of its last
   * answer in If-None-Match, an unchanged offer is a bodiless 304.
   */
  @Post()
  @ComputerOnly()
  @BodyLimit(256 * 1024)
  @HttpCode(200)
  @ApiHeader({ name: 'if-none-match', required: false })
  @ApiOkResponse({ description: `the offer; signature in ${SIGNATURE_HEADER}, key id in ${KEY_ID_HEADER}` })
  @ApiNotModifiedResponse({ description: 'the offer has not changed since that ETag' })
  async checkIn(
    @Body() dto: CheckInDto,
    @CurrentComputer() computer: ComputerPrincipal,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const answer = await this.checkIns.checkIn(computer.computerId, dto, ifNoneMatch);
    reply.header('etag', answer.etag).header('cache-control', 'private, no-cache');
    if (answer.kind === 'not-modified') {
      await reply.code(304).send();
      return;
    }
    await reply
      .code(200)
      .header('content-type', 'application/json; charset=utf-8')
      .header(SIGNATURE_HEADER, answer.signature)
      .header(KEY_ID_HEADER, answer.keyId)
      .send(answer.body);
  }
}
