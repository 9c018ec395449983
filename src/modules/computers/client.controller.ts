import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ComputerAuth, Public } from '../../common/auth/access.decorators';
import { ComputerPrincipal, CurrentComputer } from '../../common/auth/computer-principal';
import { ComputersService } from './computers.service';
import { ComputerIdentityDto, RegisteredComputerDto, RegisterComputerDto } from './dto/register-computer.dto';
import { EnrollmentService } from './enrollment.service';

/** The agent's side: registration, and who the server takes the agent to be. */
@ApiTags('client')
@Controller('client/v1')
export class ClientController {
  constructor(
    private readonly enrollment: EnrollmentService,
    private readonly computers: ComputersService,
  ) {}

  @Post('register')
  @Public()
  @HttpCode(201)
  @ApiUnauthorizedResponse({ description: 'the enrollment key is unknown, revoked, expired or used up' })
  register(@Body() dto: RegisterComputerDto): Promise<RegisteredComputerDto> {
    return this.enrollment.register(dto);
  }

  /** The calling computer as the server knows it: its id, group and check-in interval. */
  @Get('me')
  @ComputerAuth('bearer')
  me(@CurrentComputer() computer: ComputerPrincipal): Promise<ComputerIdentityDto> {
    return this.computers.identity(computer);
  }
}
