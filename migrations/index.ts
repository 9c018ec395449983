import { CreateUsersAndApiTokens1763780000000 } from './1763780000000-CreateUsersAndApiTokens';
import { CreateCatalog1763780100000 } from './1763780100000-CreateCatalog';
import { CreateSigningKeys1763780150000 } from './1763780150000-CreateSigningKeys';
import { CreateSync1763780200000 } from './1763780200000-CreateSync';
import { CreateServerSettings1763780300000 } from './1763780300000-CreateServerSettings';
import { CreateComputerGroups1763780310000 } from './1763780310000-CreateComputerGroups';
import { CreateComputersAndEnrollmentKeys1763780320000 } from './1763780320000-CreateComputersAndEnrollmentKeys';
import { CreateApprovalsAndApprovalLog1763780330000 } from './1763780330000-CreateApprovalsAndApprovalLog';
import { CreateApprovalRules1763780340000 } from './1763780340000-CreateApprovalRules';
import { CreateInstallStates1763780400000 } from './1763780400000-CreateInstallStates';
import { CreateAuditEvents1763780500000 } from './1763780500000-CreateAuditEvents';
import { CreateContent1763790000000 } from './1763790000000-CreateContent';
import { CreateMaintenance1763792000000 } from './1763792000000-CreateMaintenance';
import { ContentFileShaAsText1763792900000 } from './1763792900000-ContentFileShaAsText';
import { UpstreamKindsAsPlugins1763793000000 } from './1763793000000-UpstreamKindsAsPlugins';
import { CreateAptCatalog1763793100000 } from './1763793100000-CreateAptCatalog';
import { UserAndTokenManagement1763795180000 } from './1763795180000-UserAndTokenManagement';
import { ApproveNewRevisionsSetting1763796000000 } from './1763796000000-ApproveNewRevisionsSetting';
import { CreateApprovalLogCheckpoints1763796100000 } from './1763796100000-CreateApprovalLogCheckpoints';
import { AptRepositorySigningKey1763796160000 } from './1763796160000-AptRepositorySigningKey';
import { CreateAptPublications1763796161000 } from './1763796161000-CreateAptPublications';
import { CreateDpkgInventories1763796162000 } from './1763796162000-CreateDpkgInventories';
import { CreateComplianceCounters1763800000000 } from './1763800000000-CreateComplianceCounters';
import { CreateStatusDeadLetters1764990000000 } from './1764990000000-CreateStatusDeadLetters';
import { ComplianceCounterDeltas1765000000000 } from './1765000000000-ComplianceCounterDeltas';
import { StatusWritesWithoutRowChecks1765100000000 } from './1765100000000-StatusWritesWithoutRowChecks';

/** Every migration, in order. Listed explicitly so the app, the CLI and jest load the same set. */
export const ALL_MIGRATIONS = [
  CreateUsersAndApiTokens1763780000000,
  CreateCatalog1763780100000,
  CreateSigningKeys1763780150000,
  CreateSync1763780200000,
  CreateServerSettings1763780300000,
  CreateComputerGroups1763780310000,
  CreateComputersAndEnrollmentKeys1763780320000,
  CreateApprovalsAndApprovalLog1763780330000,
  CreateApprovalRules1763780340000,
  CreateInstallStates1763780400000,
  CreateAuditEvents1763780500000,
  CreateContent1763790000000,
  CreateMaintenance1763792000000,
  ContentFileShaAsText1763792900000,
  UpstreamKindsAsPlugins1763793000000,
  CreateAptCatalog1763793100000,
  UserAndTokenManagement1763795180000,
  ApproveNewRevisionsSetting1763796000000,
  CreateApprovalLogCheckpoints1763796100000,
  AptRepositorySigningKey1763796160000,
  CreateAptPublications1763796161000,
  CreateDpkgInventories1763796162000,
  CreateComplianceCounters1763800000000,
  CreateStatusDeadLetters1764990000000,
  ComplianceCounterDeltas1765000000000,
  StatusWritesWithoutRowChecks1765100000000,
];
