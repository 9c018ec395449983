import { Controller, Get, Header, Req } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { FastifyRequest } from 'fastify';
import { ComputerAuth } from '../../../common/auth/access.decorators';
import { AppConfig } from '../../../infra/config/app-config';
import { ComputerPrincipal, CurrentComputer } from '../../../common/auth/computer-principal';
import { AptRepositoryService } from './apt-repository.service';

@ApiTags('client')
@Controller('client/v1/apt/sources')
export class AptSourcesController {
  constructor(
    private readonly repository: AptRepositoryService,
    private readonly config: AppConfig,
  ) {}

  /** The deb822 .sources this computer should use (what `patchgate-agent apt-setup` writes): docs/debian.md. */
  @Get()
  @ComputerAuth('bearer')
  @Header('content-type', 'text/plain; charset=utf-8')
  @Header('cache-control', 'private, no-cache')
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'URIs, Suites, Components and Signed-By with the repository key inline' })
  async sources(@CurrentComputer() computer: ComputerPrincipal, @Req() request: FastifyRequest): Promise<string> {
    const server = this.config.content.publicUrl ?? `${request.protocol}://${request.host}`;
    return this.repository.sourcesFor(computer.computerId, server);
  }
}
