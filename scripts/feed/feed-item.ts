/**
 * The upstream feed format (docs/upstream-feed.md): a chain of pages, each
 * `{ items: FeedItem[], nextCursor: string | null }`, every item one revision of an update.
 */

export const CLASSIFICATIONS = [
  'critical',
  'security',
  'definition',
  'update_rollup',
  'service_pack',
  'feature_pack',
  'tool',
  'driver',
  'update',
  'upgrade',
] as const;
export type Classification = (typeof CLASSIFICATIONS)[number];

export const SEVERITIES = ['critical', 'important', 'moderate', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const REBOOT_BEHAVIORS = ['never', 'always', 'maybe'] as const;
export type RebootBehavior = (typeof REBOOT_BEHAVIORS)[number];

export const UPDATE_STATES = ['active', 'expired'] as const;
export type UpdateState = (typeof UPDATE_STATES)[number];

export interface FeedFile {
  /** Bare file name, no directory part. */
  name: string;
  /** Absolute URL, or relative to the URL of the page that carries the item. */
  url: string;
  /** 64 lowercase hex digits. */
  sha256: string;
  /** Bytes. */
  size: number;
}

export interface InstallBehavior {
  reboot: RebootBehavior;
  userInput: boolean;
}

export interface Applicability {
  osFamily: string[];
  arch: string[];
  minOsVersion?: string;
}

/** One revision of one update. */
export interface FeedItem {
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
  installBehavior: InstallBehavior;
  requiresEula: boolean;
  files: FeedFile[];
  applicability: Applicability;
  state: UpdateState;
}

export interface FeedPage {
  items: FeedItem[];
  nextCursor: string | null;
}
