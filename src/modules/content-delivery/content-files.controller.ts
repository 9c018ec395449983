import { Readable } from 'node:stream';
import { Controller, Get, Headers, Param, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiNotFoundResponse, ApiOkResponse, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { FastifyReply, FastifyRequest } from 'fastify';
import { ComputerAuth } from '../../common/auth/access.decorators';
import { NotFoundError } from '../../common/errors/domain-error';
import { ComputerPrincipal, CurrentComputer } from '../../common/auth/computer-principal';
import { ContentDeliveryService } from './content-delivery.service';

const SHA256 = /^[0-9a-f]{64}$/;

@ApiTags('client')
@Controller('content/v1/files')
export class ContentFilesController {
  constructor(private readonly delivery: ContentDeliveryService) {}

  /** A stored file of the computer's current offer, whole or one byte range; HEAD answers the headers. */
  @Get(':sha256')
  @ComputerAuth('bearer')
  @ApiParam({ name: 'sha256', description: '64 lowercase hex digits' })
  @ApiHeader({ name: 'range', required: false, description: 'one range, e.g. bytes=1000-' })
  @ApiOkResponse({ description: 'the file; ETag is its quoted sha256' })
  @ApiResponse({ status: 206, description: 'the requested range, with Content-Range' })
  @ApiResponse({ status: 416, description: 'the range lies beyond the file' })
  @ApiNotFoundResponse({ description: 'not stored, or not in this computer’s offer' })
  async download(
    @Param('sha256') sha256: string,
    @CurrentComputer() computer: ComputerPrincipal,
    @Headers('range') range: string | undefined,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    if (!SHA256.test(sha256)) throw new NotFoundError('file', sha256);
    const delivery = await this.delivery.deliver(computer.computerId, sha256, range);
    reply.header('accept-ranges', 'bytes').header('etag', `"${sha256}"`).header('cache-control', 'private, max-age=31536000, immutable');
    if (delivery.kind === 'unsatisfiable') {
      await reply.code(416).header('content-range', `bytes */${delivery.size}`).send();
      return;
    }
    const { size, range: slice } = delivery;
    reply.header('content-type', 'application/octet-stream');
    if (slice) reply.code(206).header('content-range', `bytes ${slice.start}-${slice.end}/${size}`);
    reply.header('content-length', String(slice ? slice.end - slice.start + 1 : size));
    // HEAD (Fastify's automatic route for this GET): the same headers, no file opened. An empty
    // stream, because Fastify resets Content-Length to 0 for an undefined HEAD payload.
    await reply.send(request.method === 'HEAD' ? Readable.from([]) : delivery.open());
  }
}
