import { Readable } from 'node:stream';
import { Controller, Get, Headers, Param, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiNotFoundResponse, ApiOkResponse, ApiParam, ApiResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { Public } from '../../common/auth/access.decorators';
import { ContentDeliveryService, notInOffer } from './content-delivery.service';
import { ContentReaderGuard, ContentReaderRequest } from './content-reader.guard';

const SHA256 = /^[0-9a-f]{64}$/;

@ApiTags('client')
@Controller('content/v1/files')
export class ContentFilesController {
  constructor(private readonly delivery: ContentDeliveryService) {}

  /**
   * A stored file, whole or one byte range; HEAD answers the headers. A computer (its token) gets
   * the files of its current offer; a downstream server (a downstream token) any stored file, as
   * this server's /upstream/v1/catalog points it here.
   */
  @Get(':sha256')
  @Public()
  @UseGuards(ContentReaderGuard)
  @ApiBearerAuth('computer')
  @ApiBearerAuth()
  @ApiUnauthorizedResponse({ description: 'missing or revoked computer or downstream token' })
  @ApiParam({ name: 'sha256', description: '64 lowercase hex digits' })
  @ApiHeader({ name: 'range', required: false, description: 'one range, e.g. bytes=1000-' })
  @ApiOkResponse({ description: 'the file; ETag is its quoted sha256' })
  @ApiResponse({ status: 206, description: 'the requested range, with Content-Range' })
  @ApiResponse({ status: 416, description: 'the range lies beyond the file' })
  @ApiNotFoundResponse({ description: 'not stored, or (for a computer) not in its offer' })
  async download(
    @Param('sha256') sha256: string,
    @Headers('range') range: string | undefined,
    @Req() request: ContentReaderRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    if (!SHA256.test(sha256)) throw notInOffer(sha256.slice(0, 64));
    const reader = request.contentReader!;
    const delivery = await this.delivery.deliver(reader.kind === 'computer' ? reader.computerId : null, sha256, range);
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
