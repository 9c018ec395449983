import { Type } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { FeedItemResult } from '../feed-item.validator';

/** The name of an upstream kind (`feed`, `patchgate`, `apt`, …), as stored and as the API takes it. */
export type UpstreamKind = string;

/** The configured upstream a run reads: its kind, its name in the sync log, its token and kind-specific settings. */
export interface Upstream<Settings = unknown> {
  kind: UpstreamKind;
  /** The upstream's URL (for kinds with several, the first): the sync log names the run's upstream with it. */
  url: string;
  token: string | null;
  /** What the kind stored from its configuration (null for kinds with nothing beyond url and token). */
  settings: Settings | null;
}

/**
 * One page an upstream hands the runner: catalog items already normalized (or the reason each
 * one was refused), never the upstream's own format.
 */
export interface UpstreamPage {
  /** Where the page was read from, for messages. */
  location: string;
  items: FeedItemResult[];
  /** Position of the next page, or null when this was the last one. */
  next: string | null;
  /** The upstream's position after this page, kept on the run (`cursorAfter`); null when it has none. */
  cursor: string | null;
  /**
   * Kinds that expire what they no longer list give, on their last page, every update they list
   * now under the product roots they own: the runner expires the catalog's other active updates
   * under those roots, in the same transaction as the page.
   */
  listing?: { productRoots: string[]; updateIds: ReadonlySet<string> };
  /** What the kind fetched, kept on the run (`upstreamLog` in the sync log), e.g. per suite for `apt`. */
  log?: Record<string, unknown>;
  /** Kind-specific rows written in the page's transaction, after the catalog rows (stored metadata, positions). */
  commit?: (manager: EntityManager) => Promise<void>;
}

/**
 * Walks an upstream page by page. A position is a string the kind understands (a URL for the
 * JSON feeds); a run stores the position it reads next, so it resumes there.
 */
export interface UpstreamReader {
  /** The first position of a run; `cursor` is where the previous run left off (kinds that resume from a cursor). */
  firstPage(cursor: string | null): string;
  read(position: string, signal?: AbortSignal): Promise<UpstreamPage>;
  /** The upstream no longer accepts the cursor the run started from: the next run must start over. */
  rejectedCursor(error: unknown, position: string): boolean;
}

/** The upstream's data cannot be trusted or used (bad signature, replayed metadata, hash mismatch…): the run fails, naming why. */
export class UpstreamRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UpstreamRefusedError';
  }
}

export interface FieldError {
  field: string;
  message: string;
}

/** What a kind keeps of an accepted configuration. */
export interface AcceptedUpstreamConfig<Settings = unknown> {
  url: string;
  /** null: keep the stored token when the upstream is the same (kinds that take one), `undefined` in the DTO. */
  token?: string | null;
  settings: Settings | null;
}

/** The common part of every kind's configuration DTO. */
export interface UpstreamConfigInput {
  kind: UpstreamKind;
}

/**
 * An upstream kind, registered once in `upstream-kinds.ts` (the Vendure-handler shape: a kind
 * declares what it is and builds its reader; the runner owns batching, resumption, counts and
 * expiry). See docs/architecture.md, "Adding an upstream kind".
 */
export interface UpstreamKindHandler<Settings = unknown> {
  readonly kind: UpstreamKind;
  /** The DTO of `upstream` for this kind: it lists every field the kind accepts (others are refused). */
  readonly configDto: Type<UpstreamConfigInput>;
  /** URL schemes the kind reads from, e.g. `['http:', 'https:']`. */
  readonly schemes: readonly string[];
  /** Whether a Bearer token is sent: `required` refuses a configuration without one; `none` has no `token` field. */
  readonly token: 'required' | 'optional' | 'none';
  /** A run starts from the position where the previous run from the same upstream left off (`cursorAfter`). */
  readonly resumesFromCursor: boolean;
  /** The runner expires catalog updates the upstream no longer lists (see `UpstreamPage.listing`). */
  readonly expiresUnlisted: boolean;
  /**
   * Checks what class-validator cannot (a keyring that must parse, a URL that must be of the kind's
   * schemes) and returns what to store, or the field errors (answered 400).
   */
  acceptConfig(dto: UpstreamConfigInput): Promise<AcceptedUpstreamConfig<Settings> | { errors: FieldError[] }>;
  /** The stored configuration as `GET /api/v1/sync/config` shows it, besides `kind` and `hasToken`; never a secret. */
  viewConfig(upstream: Upstream<Settings>): Record<string, unknown>;
  createReader(upstream: Upstream<Settings>): UpstreamReader;
}
