import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ContentModule } from '../content/content.module';
import { GroupsModule } from '../groups/groups.module';
import { SettingsModule } from '../settings/settings.module';
import { ApprovalLogModule } from '../approval-log/approval-log.module';
import { ApprovalsCatalogListener } from './approvals-catalog.listener';
import { ApprovalsRepository } from './approvals.repository';
import { ApprovalsService } from './approvals.service';
import { ApprovalRuleEntity } from './entities/approval-rule.entity';
import { ApprovalEntity } from './entities/approval.entity';
import { ApprovalRulesRepository } from './rules/approval-rules.repository';
import { ApprovalRulesService } from './rules/approval-rules.service';
import { RuleEvaluator } from './rules/rule-evaluator';

/**
 * Approvals, automatic approval rules and the approvals' side of catalog changes. Exports the
 * sync's listener (bound in src/wiring/catalog-change-listeners.module.ts), the services of its
 * controllers (listed in src/api.module.ts) and the
 * effective-decision query for the check-in.
 */
@Module({
  imports: [TypeOrmModule.forFeature([ApprovalEntity, ApprovalRuleEntity]), ApprovalLogModule, GroupsModule, ContentModule, SettingsModule],
  providers: [
    ApprovalsRepository,
    ApprovalsService,
    ApprovalRulesRepository,
    ApprovalRulesService,
    RuleEvaluator,
    ApprovalsCatalogListener,
  ],
  exports: [ApprovalsRepository, ApprovalsService, ApprovalRulesService, RuleEvaluator, ApprovalsCatalogListener],
})
export class ApprovalsModule {}
