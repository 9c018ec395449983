/**
 * The upstream feed format (docs/upstream-feed.md): a chain of pages, each
 * `{ items: FeedItem[], nextCursor: string | null }`, every item one revision of an update.
 */

// The vocabulary is the catalog's own (src/modules/catalog/update-revision.ts): one list for both.
export { CLASSIFICATIONS, REBOOT_BEHAVIORS, SEVERITIES, UPDATE_STATES } from '../../src/modules/catalog/update-revision';
export type { Classification, RebootBehavior, Severity, UpdateState } from '../../src/modules/catalog/update-revision';
import type { Classification, RebootBehavior, Severity, UpdateState } from '../../src/modules/catalog/update-revision';

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
