import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiTags } from '@nestjs/swagger';
import { ComputerAuth } from '../../common/auth/access.decorators';
import { BodyLimit } from '../../infra/http/http-server';
import { ComputerPrincipal, CurrentComputer } from '../../common/auth/computer-principal';
import { StatusAcceptedDto, StatusReportDto } from './dto/status-report.dto';
import { StatusService } from './status.service';

@ApiTags('client')
@Controller('client/v1/status')
export class StatusController {
  constructor(private readonly status: StatusService) {}

  /**
   * Install-state events of the calling computer (the token decides which computer). The whole batch
   * is validated first: one bad event is a 400 naming it and nothing is stored.
   */
  @Post()
  @ComputerAuth('bearer')
  @BodyLimit(1024 * 1024)
  @HttpCode(202)
  @ApiAcceptedResponse({ type: StatusAcceptedDto })
  async report(@Body() dto: StatusReportDto, @CurrentComputer() computer: ComputerPrincipal): Promise<StatusAcceptedDto> {
    return { accepted: await this.status.accept(computer.computerId, dto.events) };
  }
}
