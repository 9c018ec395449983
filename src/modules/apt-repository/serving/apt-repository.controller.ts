import { Readable } from 'node:stream';
import { Controller, Get, Headers, Param, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { FastifyReply, FastifyRequest } from 'fastify';
import { ComputerAuth } from '../../../common/auth/access.decorators';
import { NotFoundError } from '../../../common/errors/domain-error';
import { ComputerPrincipal, CurrentComputer } from '../../../common/auth/computer-principal';
import { parseAptPath } from './apt-path';
import { AptRepositoryService } from './apt-repository.service';

const DISTRO = /^[a-z0-9][a-z0-9._-]{0,31}$/;

/**
 * The APT repositories (docs/debian.md, "Serving"): what an unmodified apt reads, each computer
 * its own view, authenticated with HTTP Basic (computer id, computer token) as auth.conf.d sends it.
 */
@ApiExcludeController()
@Controller('apt')
export class AptRepositoryController {
  constructor(private readonly repository: AptRepositoryService) {}

  @Get(':distro/*')
  @ComputerAuth('basic')
  async get(
    @Param('distro') distro: string,
    @Param('*') path: string,
    @CurrentComputer() computer: ComputerPrincipal,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Headers('if-modified-since') ifModifiedSince: string | undefined,
    @Headers('range') range: string | undefined,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const asked = DISTRO.test(distro) ? parseAptPath(path) : null;
    if (!asked) throw new NotFoundError('file', path.slice(0, 100));
    reply.header('cache-control', 'private, no-cache');
    if (asked.kind === 'pool') {
      const delivery = await this.repository.deb(computer.computerId, distro, asked.sha256, range);
      reply.header('accept-ranges', 'bytes').header('etag', `"${asked.sha256}"`).header('cache-control', 'private, max-age=31536000, immutable');
      if (delivery.kind === 'unsatisfiable') {
        await reply.code(416).header('content-range', `bytes */${delivery.size}`).send();
        return;
      }
      const { size, range: slice } = delivery;
      reply.header('content-type', 'application/vnd.debian.binary-package');
      if (slice) reply.code(206).header('content-range', `bytes ${slice.start}-${slice.end}/${size}`);
      reply.header('content-length', String(slice ? slice.end - slice.start + 1 : size));
      await reply.send(request.method === 'HEAD' ? Readable.from([]) : delivery.open());
      return;
    }
    const file = await this.repository.file(computer.computerId, distro, asked);
    reply.header('etag', file.etag).header('last-modified', file.lastModified.toUTCString());
    if (file.immutable) reply.header('cache-control', 'private, max-age=31536000, immutable');
    if (notModified(file.etag, file.lastModified, ifNoneMatch, ifModifiedSince)) {
      await reply.code(304).send();
      return;
    }
    reply.header('content-type', asked.kind === 'release' && asked.file !== 'Release.gpg' ? 'text/plain; charset=utf-8' : 'application/octet-stream');
    await reply.code(200).send(file.bytes);
  }
}

/** RFC 9110 §13.1: If-None-Match wins; else If-Modified-Since against the publication's Date (whole seconds). */
function notModified(etag: string, lastModified: Date, ifNoneMatch: string | undefined, ifModifiedSince: string | undefined): boolean {
  if (ifNoneMatch !== undefined) return ifNoneMatch.slice(0, 1024).split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
  if (ifModifiedSince === undefined || ifModifiedSince.length > 64) return false;
  const since = Date.parse(ifModifiedSince);
  return Number.isFinite(since) && Math.floor(lastModified.getTime() / 1000) <= Math.floor(since / 1000);
}
