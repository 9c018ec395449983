import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerPublicKey, StatusEvent } from '../contracts/client-protocol';

/** What registration leaves in the state dir: who this computer is and the key it trusts. */
export interface Registration {
  server: string;
  computerId: string;
  token: string;
  /** Pinned at registration; every check-in answer must verify with this key. */
  serverPublicKey: ServerPublicKey;
  checkInSeconds: number;
  registeredAt: string;
  hostname: string;
  os: { family: string; version: string };
  arch: string;
}

export interface InstalledEntry {
  revision: number;
  state: 'installed' | 'installed_pending_reboot';
  at: string;
}

export interface AgentError {
  at: string;
  updateId?: string;
  revision?: number;
  code: string;
  message: string;
}

/** What the agent remembers between runs. */
export interface AgentState {
  /** seq of the last accepted check-in answer; an answer must carry a higher one */
  lastSeq: number;
  /** ETag of the last accepted answer, sent as If-None-Match while that answer has not expired */
  lastEtag: string | null;
  /**
   * `expires` of the last accepted (signed) answer. An unsigned 304 only says "still that answer",
   * so it is accepted only until then; afterwards the agent asks without If-None-Match.
   */
  lastExpires: string | null;
  lastCheckInAt: string | null;
  lastCheckInResult: string | null;
  lastOfferSize: number | null;
  /** updateId → what is on the machine */
  installed: Record<string, InstalledEntry>;
  /** the seq of the last status event sent; every event takes the next one */
  reportSeq: number;
  /** the last few errors, newest last */
  lastErrors: AgentError[];
  /** the last few things done, newest last */
  lastActions: { at: string; updateId: string; revision: number; state: string }[];
  /** the interval the last accepted answer asked for */
  nextCheckInSeconds: number | null;
  /** status events the server has not acknowledged yet; sent first on the next check-in */
  pendingEvents: StatusEvent[];
  /** updateId → a failed attempt at this revision, retried no earlier than nextAttemptAt */
  failures: Record<string, FailedAttempt>;
  /**
   * updateId → a revision a dry run (no install command) downloaded and verified but did not
   * install: reported `downloaded`, never `installed`, and not fetched again for that revision.
   */
  dryRuns: Record<string, { revision: number; at: string }>;
  /**
   * updates of the last accepted answer left for later (waiting for the quiet hours) or skipped as
   * optional: while there are any, the next check-in asks for a full answer (no If-None-Match).
   */
  deferred?: string[];
  skippedOptional?: string[];
  /** set by `apt-setup`: the root whose dpkg inventory the agent reports (docs/debian.md) */
  aptRoot: string | null;
  /** digest of the dpkg inventory the server last received; the list is sent again only when it changes */
  inventoryDigest: string | null;
}

export interface FailedAttempt {
  revision: number;
  attempts: number;
  code: string;
  nextAttemptAt: string;
}

export const REGISTRATION_FILE = 'registration.json';
export const STATE_FILE = 'state.json';
const KEEP_HISTORY = 20;

export function emptyState(): AgentState {
  return { lastSeq: 0, lastEtag: null, lastExpires: null, lastCheckInAt: null, lastCheckInResult: null, lastOfferSize: null, installed: {}, reportSeq: 0, lastErrors: [], lastActions: [], nextCheckInSeconds: null, pendingEvents: [], failures: {}, dryRuns: {}, aptRoot: null, inventoryDigest: null };
}

/** The state dir: created 0700, its files written 0600 and replaced atomically (write, then rename). */
export class StateDir {
  constructor(readonly dir: string) {}

  ensure(): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    chmodSync(this.dir, 0o700);
  }

  get downloadsDir(): string {
    return join(this.dir, 'downloads');
  }

  hasRegistration(): boolean {
    return existsSync(join(this.dir, REGISTRATION_FILE));
  }

  readRegistration(): Registration {
    if (!this.hasRegistration()) throw new NotRegisteredError(this.dir);
    return this.readJson<Registration>(REGISTRATION_FILE);
  }

  writeRegistration(registration: Registration): void {
    this.ensure();
    this.writeJson(REGISTRATION_FILE, registration);
  }

  readState(): AgentState {
    if (!existsSync(join(this.dir, STATE_FILE))) return emptyState();
    return { ...emptyState(), ...this.readJson<Partial<AgentState>>(STATE_FILE) };
  }

  writeState(state: AgentState): void {
    this.ensure();
    state.lastErrors = state.lastErrors.slice(-KEEP_HISTORY);
    state.lastActions = state.lastActions.slice(-KEEP_HISTORY);
    this.writeJson(STATE_FILE, state);
  }

  private readJson<T>(name: string): T {
    return JSON.parse(readFileSync(join(this.dir, name), 'utf8')) as T;
  }

  private writeJson(name: string, value: unknown): void {
    const target = join(this.dir, name);
    const temp = `${target}.${randomBytes(4).toString('hex')}.tmp`;
    writeFileSync(temp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
    chmodSync(temp, 0o600);
    renameSync(temp, target);
  }
}

export class NotRegisteredError extends Error {
  constructor(dir: string) {
    super(`no registration in ${dir}: run \`patchgate-agent register\` first`);
  }
}
