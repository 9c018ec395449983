import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiNotFoundResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../../../common/auth/access.decorators';
import { Principal, Role } from '../../../common/auth/role';
import { Page } from '../../../common/pagination/page';
import { ApprovalRuleDto, CreateApprovalRuleDto, RuleRunResultDto, UpdateApprovalRuleDto } from '../dto/approval-rule.dto';
import { ApprovalRulesService } from './approval-rules.service';

@ApiTags('approval rules')
@Controller('api/v1/approval-rules')
@Roles(Role.Admin, Role.Approver)
export class ApprovalRulesController {
  constructor(private readonly rules: ApprovalRulesService) {}

  @Get()
  list(): Promise<Page<ApprovalRuleDto>> {
    return this.rules.list();
  }

  @Get(':id')
  @ApiNotFoundResponse()
  get(@Param('id', new ParseUUIDPipe()) id: string): Promise<ApprovalRuleDto> {
    return this.rules.get(id);
  }

  @Post()
  @HttpCode(201)
  @ApiNotFoundResponse({ description: 'a group does not exist' })
  @ApiConflictResponse({ description: 'a rule has that name' })
  create(@Body() dto: CreateApprovalRuleDto, @CurrentPrincipal() principal: Principal): Promise<ApprovalRuleDto> {
    return this.rules.create(dto, principal);
  }

  @Patch(':id')
  @ApiNotFoundResponse()
  update(@Param('id', new ParseUUIDPipe()) id: string, @Body() dto: UpdateApprovalRuleDto, @CurrentPrincipal() principal: Principal): Promise<ApprovalRuleDto> {
    return this.rules.update(id, dto, principal);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNotFoundResponse()
  async delete(@Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    await this.rules.delete(id);
  }

  /** Runs the rule against the existing catalog now and says what it approved. */
  @Post(':id/apply')
  @HttpCode(200)
  @ApiNotFoundResponse()
  apply(@Param('id', new ParseUUIDPipe()) id: string): Promise<RuleRunResultDto> {
    return this.rules.apply(id);
  }
}
