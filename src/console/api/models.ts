/**
 * Response bodies the OpenAPI document does not describe yet (their controllers declare no
 * response type). Each mirrors the server DTO named beside it; the request side of every call is
 * checked against the generated schema instead.
 */
import type { Schemas } from './client';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export type Role = 'admin' | 'approver' | 'auditor';
export type Decision = Schemas['SetApprovalDto']['decision'];
export type Classification = NonNullable<Schemas['PutSyncConfigDto']['classifications']>[number];

/** src/modules/catalog/dto/update.dto.ts UpdateSummaryDto */
export interface UpdateSummary {
  updateId: string;
  revision: number;
  title: string;
  kb: string[];
  classification: string;
  products: string[];
  severity: string | null;
  releasedAt: string;
  state: string;
  declined: boolean;
  /** A baseline package of an APT release: installable by every computer, not an update to approve (docs/debian.md). */
  baseline: boolean;
}

export interface UpdateFile {
  name: string;
  url: string;
  sha256: string;
  size: number;
}

export interface RelatedUpdate {
  updateId: string;
  title?: string;
}

/** UpdateDetailDto */
export interface UpdateDetail {
  updateId: string;
  current: { title: string; description?: string; kb?: string[]; cves?: string[]; classification: string; severity?: string | null; products?: string[]; releasedAt?: string; reboot?: string; userInput?: boolean; requiresEula?: boolean } & Record<string, unknown>;
  revisions: { revision: number; state: string; requiresEula: boolean; syncedAt: string }[];
  supersedes: RelatedUpdate[];
  supersededBy: RelatedUpdate[];
  prerequisites: RelatedUpdate[];
  files: UpdateFile[];
  declined: { at: string; by: string | null; reason: string | null } | null;
}

/** src/modules/groups/dto/group.dto.ts GroupDto */
export interface Group {
  id: string;
  name: string;
  parentId: string | null;
  path: string[];
  depth: number;
  builtIn: boolean;
  memberCount: number;
  totalMemberCount: number;
  childCount: number;
  createdAt: string;
  updatedAt: string;
}

/** src/modules/computers/dto/computer.dto.ts ComputerDto */
export interface Computer {
  id: string;
  hostname: string;
  osFamily: string;
  osVersion: string;
  arch: string;
  agentVersion: string;
  groupId: string | null;
  groupName: string | null;
  requestedGroup: string | null;
  registeredAt: string;
  lastSeenAt: string | null;
  stale: boolean;
  revokedAt: string | null;
}

/** src/modules/reports/dto/report.dto.ts StateCountsDto */
export interface StateCounts {
  installed: number;
  installedPendingReboot: number;
  downloaded: number;
  failed: number;
  notApplicable: number;
  uninstalled: number;
  needed: number;
  unknown: number;
}

export interface UpdateReport {
  updateId: string;
  groupId: string | null;
  computers: number;
  counts: StateCounts;
}

export interface GroupReport {
  groupId: string;
  computers: number;
  compliancePercent: number;
  updates: { updateId: string; title: string; kb: string[]; classification: string; severity: string | null; counts: StateCounts; compliancePercent: number }[];
}

export interface ComputerReport {
  computerId: string;
  hostname: string;
  updates: { updateId: string; revision: number; title: string; action: string; state: string; errorCode: string | null; message: string | null; reportedAt: string | null }[];
}

/** src/modules/catalog/sync/dto/sync-run.dto.ts SyncRunDto */
export interface SyncRun {
  id: string;
  trigger: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  requestedBy: string | null;
  upstream: { kind: string; url: string };
  filters: { products: string[]; classifications: string[] };
  queuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  newUpdates: number;
  revisedUpdates: number;
  expiredUpdates: number;
  unchangedUpdates: number;
  itemErrorCount: number;
  itemErrors?: { updateId: string | null; reason: string }[];
  error: string | null;
  progress: { pagesProcessed: number; itemsProcessed: number; itemsFiltered: number };
}

/** SyncConfigDto */
export interface SyncConfig {
  /** Besides these, the kind's own fields (apt: sources, architectures, keys, ...). */
  upstream: { kind: string; url: string; hasToken: boolean; [field: string]: unknown } | null;
  schedule: string | null;
  nextRunAt: string | null;
  products: string[];
  classifications: string[];
  updatedAt: string | null;
  updatedBy: string | null;
}

export type ApprovalLogEntry = Schemas['ApprovalLogEntryDto'] & { updateTitle: string | null; groupName: string | null };
export type Approval = Schemas['ApprovalDto'];
