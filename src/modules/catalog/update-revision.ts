/** The vocabulary of docs/design.md §1, shared by the feed parser, the catalog and the API. */
export const CLASSIFICATIONS = [
  'critical', 'security', 'definition', 'update_rollup', 'service_pack', 'feature_pack', 'tool', 'driver', 'update', 'upgrade',
] as const;
export type Classification = (typeof CLASSIFICATIONS)[number];

export const SEVERITIES = ['critical', 'important', 'moderate', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const REBOOT_BEHAVIORS = ['never', 'always', 'maybe'] as const;
export type RebootBehavior = (typeof REBOOT_BEHAVIORS)[number];

export const UPDATE_STATES = ['active', 'expired'] as const;
export type UpdateState = (typeof UPDATE_STATES)[number];

export interface UpdateFile {
  name: string;
  url: string;
  sha256: string;
  size: number;
}

export interface Applicability {
  osFamily: string[];
  arch: string[];
  minOsVersion?: string;
}

/** One revision of an update, as an upstream describes it (the feed item format, docs/upstream-feed.md). */
export interface UpdateRevisionData {
  updateId: string;
  revision: number;
  title: string;
  description: string;
  kb: string[];
  cves: string[];
  classification: Classification;
  products: string[];
  severity: Severity | null;
  releasedAt: string;
  supersedes: string[];
  prerequisites: string[];
  installBehavior: { reboot: RebootBehavior; userInput: boolean };
  requiresEula: boolean;
  files: UpdateFile[];
  applicability: Applicability;
  state: UpdateState;
}

/**
 * What a revision's files are, independent of their order: names, URLs, SHA-256 and sizes. Two
 * revisions with the same key install the same bytes; a different key means an approval given to
 * the old files must not silently carry over (src/modules/approvals/approvals-catalog.listener.ts).
 */
export function filesKey(files: readonly UpdateFile[]): string {
  return JSON.stringify(files.map((f) => [f.name, f.url, f.sha256.toLowerCase(), f.size]).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)));
}
