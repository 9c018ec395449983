import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { AgentState, InstalledEntry, StateDir } from './agent-state';
import { AGENT_VERSION } from './agent-version';
import { readDpkgInventory, sendableInventory } from './apt/dpkg-inventory';
import { discardDownload, DownloadError, downloadFile, ServerCredentials } from './downloader';
import { runCommand } from './installer';
import { decide, QuietHours } from './install-policy';
import { OfferedUpdate, verifyOffer } from './response-verifier';
import { ServerClient, StatusEvent } from './server-client';

export interface RunOptions {
  installCmd?: string;
  uninstallCmd?: string;
  /** install updates the server marks optional (`--include-optional`); default: leave them */
  includeOptional?: boolean;
  /** act only in these local hours, except on updates past their deadline (`--quiet-hours`) */
  quietHours?: QuietHours | null;
  /** the clock the policy reads (tests) */
  now?: () => Date;
  /** aborted on SIGTERM/SIGINT: the current update is finished, state saved, the loop ends */
  signal?: AbortSignal;
  log?: (line: string) => void;
  logError?: (line: string) => void;
}

export type CycleOutcome = 'offer' | 'not_modified' | 'refused' | 'error';

export interface CycleResult {
  outcome: CycleOutcome;
  /** why an answer was refused, or what failed */
  reason?: string;
  installed: number;
  uninstalled: number;
  failed: number;
  /** updates a dry run downloaded and verified but did not install (or would have uninstalled) */
  dryRun: number;
  /** offered, but skipped as optional or left for the quiet hours */
  deferred: number;
  nextCheckInSeconds: number;
}

const ERROR_RETRY_SECONDS = 60;
/** A failed update is retried after 5 min, then 10, 20, … up to once a day: no download storm. */
const RETRY_BASE_SECONDS = 300;
const RETRY_MAX_SECONDS = 24 * 3600;

/** One agent: check in, verify, download, install, report; state kept in the state dir. */
export class AgentRunner {
  private readonly log: (line: string) => void;
  private readonly logError: (line: string) => void;

  constructor(
    private readonly stateDir: StateDir,
    private readonly options: RunOptions = {},
  ) {
    this.log = options.log ?? ((line) => console.log(`${new Date().toISOString()} ${line}`));
    this.logError = options.logError ?? ((line) => console.error(`${new Date().toISOString()} ${line}`));
  }

  /** One check-in and whatever it asks for. Never throws for server or network trouble: the outcome says. */
  async cycle(): Promise<CycleResult> {
    const registration = this.stateDir.readRegistration();
    const state = this.stateDir.readState();
    const client = new ServerClient(registration.server, registration.token);
    // Left over only if an earlier run died mid-download; one agent owns the state dir.
    rmSync(this.stateDir.downloadsDir, { recursive: true, force: true });
    const result: CycleResult = { outcome: 'error', installed: 0, uninstalled: 0, failed: 0, dryRun: 0, deferred: 0, nextCheckInSeconds: state.nextCheckInSeconds ?? registration.checkInSeconds };

    await this.flushEvents(client, state);
    const nonce = randomBytes(18).toString('base64url');
    const installed = Object.entries(state.installed).map(([updateId, entry]) => ({ updateId, revision: entry.revision }));
    // A 304 is unsigned: it may only extend the last signed answer until that answer expires.
    const ifNoneMatch = signedAnswerValid(state) ? state.lastEtag : null;
    if (state.lastEtag && !ifNoneMatch) this.log(`the last signed answer expired (${state.lastExpires ?? 'unknown'}): asking for a full answer`);
    const dpkg = state.aptRoot ? readDpkgInventory(state.aptRoot) : null;
    const sendable = dpkg && dpkg.digest !== state.inventoryDigest ? sendableInventory(dpkg) : null;
    if (dpkg && dpkg.digest !== state.inventoryDigest && !sendable) this.recordError(state, 'inventory_too_large', `${dpkg.packages.length} packages do not fit in a check-in`);
    const packages = sendable ? { packages: sendable } : {};
    let answer;
    try {
      answer = await client.checkIn(
        { nonce, installed, inventory: { hostname: registration.hostname, os: registration.os, arch: registration.arch, agentVersion: AGENT_VERSION, ...packages } },
        this.mustReread(state) ? null : ifNoneMatch,
      );
      if (dpkg && sendable) state.inventoryDigest = dpkg.digest;
    } catch (error) {
      this.recordError(state, 'checkin_failed', (error as Error).message);
      state.lastCheckInResult = 'error';
      this.stateDir.writeState(state);
      return { ...result, reason: (error as Error).message, nextCheckInSeconds: Math.min(result.nextCheckInSeconds, ERROR_RETRY_SECONDS) };
    }
    state.lastCheckInAt = new Date().toISOString();

    if (answer.status === 304) {
      if (!ifNoneMatch || !signedAnswerValid(state)) {
        // Not asked for, or the answer it would extend has expired meanwhile: someone in the path
        // may be freezing this computer on old data (docs/agent.md). Nothing is acted on.
        const message = ifNoneMatch
          ? `304 after the last signed answer expired (${state.lastExpires})`
          : `304 to a check-in without If-None-Match (last signed answer expired ${state.lastExpires ?? 'never accepted'})`;
        this.recordError(state, 'refused_stale_not_modified', message);
        state.lastCheckInResult = 'refused: stale_not_modified';
        state.lastEtag = null;
        this.stateDir.writeState(state);
        this.logError(`check-in answer refused (stale_not_modified): ${message}; nothing done`);
        return { ...result, outcome: 'refused', reason: 'stale_not_modified' };
      }
      state.lastCheckInResult = 'not_modified';
      this.stateDir.writeState(state);
      this.log('check-in: offer unchanged (304)');
      return { ...result, outcome: 'not_modified' };
    }

    const verdict = verifyOffer(answer.body, answer.signature, {
      publicKey: registration.serverPublicKey.publicKey,
      computerId: registration.computerId,
      lastSeq: state.lastSeq,
      nonce,
    });
    if (!verdict.ok) {
      this.recordError(state, `refused_${verdict.reason}`, verdict.message);
      state.lastCheckInResult = `refused: ${verdict.reason}`;
      this.stateDir.writeState(state);
      this.logError(`check-in answer refused (${verdict.reason}): ${verdict.message}; nothing done`);
      return { ...result, outcome: 'refused', reason: verdict.reason };
    }

    const { offer } = verdict;
    // Accepted: remember it before acting, so the same answer can never be acted on twice.
    state.lastSeq = offer.seq;
    state.lastEtag = answer.etag;
    state.lastExpires = offer.expires;
    state.lastOfferSize = offer.updates.length;
    state.nextCheckInSeconds = offer.nextCheckInSeconds;
    state.lastCheckInResult = 'offer';
    this.stateDir.writeState(state);
    this.log(`check-in: ${offer.updates.length} update(s) offered (seq ${offer.seq})`);

    const policy = { includeOptional: this.options.includeOptional ?? false, quietHours: this.options.quietHours ?? null };
    const now = this.options.now?.() ?? new Date();
    state.deferred = [];
    state.skippedOptional = [];
    for (const update of offer.updates) {
      if (this.options.signal?.aborted) break;
      const decision = decide(update, policy, now);
      if (decision !== 'act') {
        const label = `${update.title} (${update.updateId} r${update.revision})`;
        if (decision === 'skip_optional') {
          state.skippedOptional.push(update.updateId);
          this.log(`optional, not installed (--include-optional installs it): ${label}`);
        } else {
          state.deferred.push(update.updateId);
          this.log(`outside the quiet hours, left for later${update.deadline ? ` (deadline ${update.deadline})` : ''}: ${label}`);
        }
        result.deferred++;
        continue;
      }
      const outcome = update.action === 'uninstall' ? await this.uninstall(update, state) : await this.install(update, state, registration);
      if (outcome === 'installed' || outcome === 'uninstalled') delete state.failures[update.updateId];
      if (outcome === 'installed') result.installed++;
      else if (outcome === 'uninstalled') result.uninstalled++;
      else if (outcome === 'failed') result.failed++;
      else if (outcome === 'dry_run') result.dryRun++;
      this.stateDir.writeState(state);
      await this.flushEvents(client, state);
    }
    this.stateDir.writeState(state);
    return { ...result, outcome: 'offer', nextCheckInSeconds: offer.nextCheckInSeconds };
  }

  /**
   * A 304 would hide updates this agent left for later: ask for the whole answer while some wait
   * for the quiet hours, or were skipped as optional and optional ones are now wanted.
   */
  private mustReread(state: AgentState): boolean {
    return (state.deferred?.length ?? 0) > 0 || (this.options.includeOptional === true && (state.skippedOptional?.length ?? 0) > 0);
  }

  /**
   * The apt hook's report (DPkg::Post-Invoke): a check-in that carries the dpkg inventory when it
   * changed since the server last received it, and nothing else. The answer is not acted on and
   * its ETag and seq are not kept, so the next `run` still gets (and acts on) the offer.
   */
  async reportInventory(): Promise<'sent' | 'unchanged'> {
    const registration = this.stateDir.readRegistration();
    const state = this.stateDir.readState();
    const dpkg = state.aptRoot ? readDpkgInventory(state.aptRoot) : null;
    if (!dpkg || dpkg.digest === state.inventoryDigest) return 'unchanged';
    const packages = sendableInventory(dpkg);
    if (!packages) throw new Error(`${dpkg.packages.length} installed packages do not fit in a check-in (256 KiB)`);
    const client = new ServerClient(registration.server, registration.token);
    const installed = Object.entries(state.installed).map(([updateId, entry]) => ({ updateId, revision: entry.revision }));
    await client.checkIn({ nonce: randomBytes(18).toString('base64url'), installed, inventory: { packages } }, null);
    state.inventoryDigest = dpkg.digest;
    this.stateDir.writeState(state);
    this.log(`inventory: ${dpkg.packages.length} installed package(s) reported`);
    return 'sent';
  }

  /** Check-ins until stopped (or one, with `once`); answers the process exit code. */
  async run(once: boolean): Promise<number> {
    for (;;) {
      const result = await this.cycle();
      if (once) return exitCodeOf(result);
      if (this.options.signal?.aborted) return 0;
      this.log(`next check-in in ${result.nextCheckInSeconds} s`);
      await sleep(result.nextCheckInSeconds * 1000, this.options.signal);
      if (this.options.signal?.aborted) return 0;
    }
  }

  private async install(update: OfferedUpdate, state: AgentState, credentials: ServerCredentials): Promise<'installed' | 'dry_run' | 'failed' | 'skipped'> {
    const have = state.installed[update.updateId];
    if (have && have.revision >= update.revision) return 'skipped';
    const dryRunDone = state.dryRuns[update.updateId];
    if (!this.options.installCmd && dryRunDone && dryRunDone.revision >= update.revision) return 'skipped';
    if (this.waitingToRetry(state, update)) return 'skipped';
    const label = `${update.title} (${update.updateId} r${update.revision})`;
    const paths: string[] = [];
    try {
      for (const file of update.files) {
        this.log(`downloading ${file.name} for ${label}`);
        paths.push(await downloadFile(file, this.stateDir.downloadsDir, credentials));
      }
    } catch (error) {
      paths.forEach(discardDownload);
      const code = error instanceof DownloadError ? error.code : 'download_failed';
      return this.fail(state, update, code, (error as Error).message);
    }
    this.event(state, update, 'downloaded');
    if (!this.options.installCmd) {
      // A dry run installs nothing, so it must never report installed (the server would count the
      // computer compliant): `downloaded` was reported, and that is all (docs/agent.md).
      paths.forEach(discardDownload);
      state.dryRuns[update.updateId] = { revision: update.revision, at: new Date().toISOString() };
      delete state.failures[update.updateId];
      this.log(`dry run (no --install-cmd): would install ${label}; reported downloaded, not installed`);
      return 'dry_run';
    }
    try {
      for (const file of paths.length ? paths : [undefined]) {
        const ran = await runCommand(this.options.installCmd, { file, updateId: update.updateId, revision: update.revision, kb: update.kb });
        this.log(`ran ${ran.command}: exit ${ran.exitCode}`);
        if (!ran.ok) {
          const code = ran.exitCode === null ? 'install_exit_signal' : `install_exit_${ran.exitCode}`;
          return this.fail(state, update, code, `install command failed: ${ran.output.trim() || ran.command}`);
        }
      }
    } finally {
      paths.forEach(discardDownload);
    }
    const installedState: InstalledEntry['state'] = update.reboot === 'always' ? 'installed_pending_reboot' : 'installed';
    state.installed[update.updateId] = { revision: update.revision, state: installedState, at: new Date().toISOString() };
    this.event(state, update, installedState);
    this.log(`${installedState.replace(/_/g, ' ')}: ${label}`);
    return 'installed';
  }

  private async uninstall(update: OfferedUpdate, state: AgentState): Promise<'uninstalled' | 'dry_run' | 'failed' | 'skipped'> {
    if (this.waitingToRetry(state, update)) return 'skipped';
    const label = `${update.title} (${update.updateId} r${update.revision})`;
    if (!this.options.uninstallCmd) {
      // Nothing was removed, so nothing is reported and the update stays in the installed list.
      this.log(`dry run (no --uninstall-cmd): would uninstall ${label}; nothing reported`);
      return 'dry_run';
    }
    const ran = await runCommand(this.options.uninstallCmd, { updateId: update.updateId, revision: update.revision, kb: update.kb });
    this.log(`ran ${ran.command}: exit ${ran.exitCode}`);
    if (!ran.ok) {
      const code = ran.exitCode === null ? 'uninstall_exit_signal' : `uninstall_exit_${ran.exitCode}`;
      return this.fail(state, update, code, `uninstall command failed: ${ran.output.trim() || ran.command}`);
    }
    delete state.installed[update.updateId];
    this.event(state, update, 'uninstalled');
    return 'uninstalled';
  }

  private waitingToRetry(state: AgentState, update: OfferedUpdate): boolean {
    const failure = state.failures[update.updateId];
    if (!failure || failure.revision !== update.revision || Date.parse(failure.nextAttemptAt) <= Date.now()) return false;
    this.log(`${update.updateId} r${update.revision} failed (${failure.code}); next attempt after ${failure.nextAttemptAt}`);
    return true;
  }

  private fail(state: AgentState, update: OfferedUpdate, code: string, message: string): 'failed' {
    const previous = state.failures[update.updateId];
    const attempts = previous?.revision === update.revision ? previous.attempts + 1 : 1;
    const delay = Math.min(RETRY_BASE_SECONDS * 2 ** (attempts - 1), RETRY_MAX_SECONDS);
    state.failures[update.updateId] = { revision: update.revision, attempts, code, nextAttemptAt: new Date(Date.now() + delay * 1000).toISOString() };
    this.logError(`failed ${update.updateId} r${update.revision}: ${code}: ${message}`);
    this.recordError(state, code, message, update);
    this.event(state, update, 'failed', code, message);
    return 'failed';
  }

  private event(state: AgentState, update: OfferedUpdate, kind: StatusEvent['state'], errorCode?: string, message?: string): void {
    state.reportSeq += 1;
    const event: StatusEvent = { updateId: update.updateId, revision: update.revision, state: kind, occurredAt: new Date().toISOString(), seq: state.reportSeq };
    if (errorCode) event.errorCode = errorCode;
    if (message) event.message = message.slice(0, 2000);
    state.pendingEvents.push(event);
    state.lastActions.push({ at: event.occurredAt, updateId: update.updateId, revision: update.revision, state: errorCode ? `${kind} (${errorCode})` : kind });
  }

  private recordError(state: AgentState, code: string, message: string, update?: OfferedUpdate): void {
    state.lastErrors.push({ at: new Date().toISOString(), code, message: message.slice(0, 500), ...(update ? { updateId: update.updateId, revision: update.revision } : {}) });
  }

  /** Sends the queued status events; on failure they stay queued (and saved) for the next try. */
  private async flushEvents(client: ServerClient, state: AgentState): Promise<void> {
    while (state.pendingEvents.length) {
      const batch = state.pendingEvents.slice(0, 500);
      try {
        const { rejected } = await client.reportStatus(batch);
        for (const r of rejected) this.logError(`status event for ${r.updateId} not accepted by the server (${r.reason}); dropped`);
      } catch (error) {
        this.recordError(state, 'status_report_failed', (error as Error).message);
        this.logError(`status report failed, kept for later: ${(error as Error).message}`);
        this.stateDir.writeState(state);
        return;
      }
      state.pendingEvents.splice(0, batch.length);
      this.stateDir.writeState(state);
    }
  }
}

function signedAnswerValid(state: AgentState): boolean {
  return state.lastExpires !== null && Date.parse(state.lastExpires) > Date.now();
}

export const EXIT = { ok: 0, error: 1, usage: 2, refused: 3, registration: 4, updateFailed: 5 } as const;

function exitCodeOf(result: CycleResult): number {
  if (result.outcome === 'error') return EXIT.error;
  if (result.outcome === 'refused') return EXIT.refused;
  return result.failed > 0 ? EXIT.updateFailed : EXIT.ok;
}

/** Resolves after `ms`, or at once when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
