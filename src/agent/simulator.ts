import { setMaxListeners } from 'node:events';
import { createPublicKey, KeyObject, randomBytes, randomInt } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { sleep } from './agent-runner';
import { AGENT_VERSION } from './agent-version';
import { Offer, OfferedUpdate, verifyOffer } from './response-verifier';
import { ServerClient, StatusEvent } from './server-client';

export interface SimulateOptions {
  server: string;
  enrollmentKey: string;
  computers: number;
  durationSeconds: number;
  /** check-ins per second across the fleet */
  rate: number;
  /** tokens of earlier runs are reused from here and new ones added */
  stateFile?: string;
  /** share of 200 answers whose signature and claims are verified (0..1) */
  verifySample: number;
  /** requests in flight at most */
  concurrency: number;
  registerConcurrency: number;
  log?: (line: string) => void;
}

export interface SimulationSummary {
  computers: number;
  registered: number;
  reused: number;
  checkIns: number;
  ok: number;
  notModified: number;
  errors: number;
  refused: number;
  verified: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  statusReports: number;
  statusEvents: number;
  durationSeconds: number;
  errorSamples: string[];
}

/** One virtual computer; this shape is also what the state file keeps. */
interface VirtualAgent {
  computerId: string;
  token: string;
  hostname: string;
  os: { family: string; version: string };
  arch: string;
  publicKey: string;
  lastEtag: string | null;
  lastSeq: number;
  reportSeq: number;
  /** updateId → revision on the (virtual) machine */
  installed: Record<string, number>;
  /** updateId → revision already reported (installed, failed or not applicable) */
  handled: Record<string, number>;
}

interface SimulationStateFile {
  server: string;
  agents: VirtualAgent[];
}

/** A plausible mix of machines, fixed by index so a reused fleet keeps its shape. */
const PROFILES = [
  { os: { family: 'windows', version: '10.0.26100' }, arch: 'x64', weight: 14 },
  { os: { family: 'windows', version: '10.0.22631' }, arch: 'x64', weight: 3 },
  { os: { family: 'windows', version: '10.0.26100' }, arch: 'arm64', weight: 1 },
  { os: { family: 'linux', version: '6.8.0' }, arch: 'x64', weight: 2 },
];
const FAILURE_CODES = ['0x80240022', '0x80070643', 'download_failed', 'hash_mismatch', 'install_exit_1'];

function profileFor(index: number) {
  const total = PROFILES.reduce((sum, p) => sum + p.weight, 0);
  let slot = index % total;
  for (const profile of PROFILES) {
    if (slot < profile.weight) return profile;
    slot -= profile.weight;
  }
  return PROFILES[0];
}

/** Limits how many tasks run at once. */
class Gate {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly limit: number) {}
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * Many agents in one process, for load and soak tests: each checks in on a compressed schedule
 * (about computers/rate seconds apart, with jitter), sends If-None-Match, verifies (a sample of)
 * the signed answers and reports made-up but plausible outcomes without downloading anything.
 */
export class FleetSimulator {
  private readonly summary: SimulationSummary;
  private readonly latencies: number[] = [];
  private readonly keys = new Map<string, KeyObject>();
  private readonly gate: Gate;
  private readonly log: (line: string) => void;
  private readonly server: string;

  constructor(private readonly options: SimulateOptions) {
    this.server = options.server.replace(/\/+$/, '');
    this.gate = new Gate(options.concurrency);
    this.log = options.log ?? ((line) => console.log(line));
    this.summary = {
      computers: options.computers, registered: 0, reused: 0, checkIns: 0, ok: 0, notModified: 0, errors: 0, refused: 0, verified: 0,
      latencyP50Ms: 0, latencyP99Ms: 0, statusReports: 0, statusEvents: 0, durationSeconds: 0, errorSamples: [],
    };
  }

  async run(signal?: AbortSignal): Promise<SimulationSummary> {
    const agents = await this.fleet();
    // Every virtual computer waits on the stop signal at once (one listener each, removed when its
    // wait ends): that many listeners are expected, not a leak (else MaxListenersExceededWarning).
    if (signal) setMaxListeners(agents.length + 10, signal);
    this.saveState(agents);
    const started = Date.now();
    const deadline = started + this.options.durationSeconds * 1000;
    const period = (agents.length / Math.max(this.options.rate, 0.001)) * 1000;
    this.log(`simulating ${agents.length} computers for ${this.options.durationSeconds} s, each checking in about every ${(period / 1000).toFixed(2)} s`);
    await Promise.all(
      agents.map(async (agent) => {
        await sleep(Math.random() * period, signal);
        while (Date.now() < deadline && !signal?.aborted) {
          await this.gate.run(() => this.checkIn(agent));
          const pause = Math.min(period * (0.8 + Math.random() * 0.4), deadline - Date.now());
          if (pause > 0) await sleep(pause, signal);
        }
      }),
    );
    this.saveState(agents);
    const sorted = [...this.latencies].sort((a, b) => a - b);
    this.summary.latencyP50Ms = round(percentile(sorted, 50));
    this.summary.latencyP99Ms = round(percentile(sorted, 99));
    this.summary.durationSeconds = round((Date.now() - started) / 1000);
    return this.summary;
  }

  /** The virtual computers: those of the state file for this server, then new registrations. */
  private async fleet(): Promise<VirtualAgent[]> {
    const saved = this.loadState();
    const agents = saved.slice(0, this.options.computers);
    this.summary.reused = agents.length;
    const missing = this.options.computers - agents.length;
    if (missing > 0) this.log(`registering ${missing} computer(s)`);
    const registrar = new Gate(this.options.registerConcurrency);
    const client = new ServerClient(this.server);
    const tag = randomBytes(3).toString('hex');
    const fresh = await Promise.all(
      Array.from({ length: missing }, (_, i) =>
        registrar.run(async (): Promise<VirtualAgent | null> => {
          const index = agents.length + i;
          const profile = profileFor(index);
          const hostname = `sim-${tag}-${String(index).padStart(5, '0')}.sim.invalid`;
          try {
            const answer = await client.register({ enrollmentKey: this.options.enrollmentKey, hostname, os: profile.os, arch: profile.arch, agentVersion: `${AGENT_VERSION}-sim` });
            this.summary.registered++;
            return {
              computerId: answer.computerId, token: answer.token, hostname, os: profile.os, arch: profile.arch,
              publicKey: answer.serverPublicKey.publicKey, lastEtag: null, lastSeq: 0, reportSeq: 0, installed: {}, handled: {},
            };
          } catch (error) {
            this.error(`register: ${(error as Error).message}`);
            return null;
          }
        }),
      ),
    );
    return [...agents, ...fresh.filter((a): a is VirtualAgent => a !== null)];
  }

  private async checkIn(agent: VirtualAgent): Promise<void> {
    const client = new ServerClient(this.server, agent.token);
    const nonce = randomBytes(12).toString('base64url');
    const installed = Object.entries(agent.installed).map(([updateId, revision]) => ({ updateId, revision }));
    const started = performance.now();
    let answer;
    try {
      answer = await client.checkIn({ nonce, installed }, agent.lastEtag);
    } catch (error) {
      this.summary.checkIns++;
      this.error(`check-in ${agent.computerId}: ${(error as Error).message}`);
      return;
    } finally {
      this.latencies.push(performance.now() - started);
    }
    this.summary.checkIns++;
    if (answer.status === 304) {
      this.summary.notModified++;
      return;
    }
    this.summary.ok++;
    let offer: Offer;
    if (Math.random() < this.options.verifySample) {
      const verdict = verifyOffer(answer.body, answer.signature, { publicKey: this.keyOf(agent.publicKey), computerId: agent.computerId, lastSeq: agent.lastSeq, nonce });
      if (!verdict.ok) {
        this.summary.refused++;
        this.error(`check-in ${agent.computerId} refused: ${verdict.reason}: ${verdict.message}`);
        return;
      }
      this.summary.verified++;
      offer = verdict.offer;
    } else {
      offer = JSON.parse(answer.body.toString('utf8')) as Offer;
    }
    agent.lastSeq = Math.max(agent.lastSeq, offer.seq);
    agent.lastEtag = answer.etag;
    const events = offer.updates
      .filter((u) => (u.action === 'uninstall' ? agent.installed[u.updateId] !== undefined : agent.handled[u.updateId] !== u.revision))
      .map((u) => this.outcome(agent, u));
    if (!events.length) return;
    try {
      await client.reportStatus(events);
      this.summary.statusReports++;
      this.summary.statusEvents += events.length;
    } catch (error) {
      this.error(`status ${agent.computerId}: ${(error as Error).message}`);
    }
  }

  /** Mostly installed, some failed with a code, some not applicable; uninstalls succeed. */
  private outcome(agent: VirtualAgent, update: OfferedUpdate): StatusEvent {
    const base = { updateId: update.updateId, revision: update.revision, occurredAt: new Date().toISOString(), seq: ++agent.reportSeq };
    if (update.action === 'uninstall') {
      delete agent.installed[update.updateId];
      return { ...base, state: 'uninstalled' };
    }
    agent.handled[update.updateId] = update.revision;
    const roll = Math.random();
    if (roll < 0.85) {
      agent.installed[update.updateId] = update.revision;
      return { ...base, state: update.reboot === 'always' ? 'installed_pending_reboot' : 'installed' };
    }
    // Not installed, but handled: not reported again on the next answers, as a real agent would
    // wait for its retry schedule.
    if (roll < 0.93) {
      const code = FAILURE_CODES[randomInt(FAILURE_CODES.length)];
      return { ...base, state: 'failed', errorCode: code, message: `simulated failure ${code}` };
    }
    return { ...base, state: 'not_applicable' };
  }

  private keyOf(pem: string): KeyObject {
    let key = this.keys.get(pem);
    if (!key) {
      key = createPublicKey(pem);
      this.keys.set(pem, key);
    }
    return key;
  }

  private error(message: string): void {
    this.summary.errors++;
    if (this.summary.errorSamples.length < 10) this.summary.errorSamples.push(message.slice(0, 300));
  }

  private loadState(): VirtualAgent[] {
    const file = this.options.stateFile;
    if (!file || !existsSync(file)) return [];
    const saved = JSON.parse(readFileSync(file, 'utf8')) as SimulationStateFile;
    if (saved.server !== this.server || !Array.isArray(saved.agents)) return [];
    return saved.agents.map((a) => ({ ...a, installed: a.installed ?? {}, handled: a.handled ?? {} }));
  }

  private saveState(agents: VirtualAgent[]): void {
    const file = this.options.stateFile;
    if (!file) return;
    // Tokens of a previous, larger run are kept so a later run can use them again.
    const saved = this.loadState();
    const byId = new Map(saved.map((a) => [a.computerId, a]));
    for (const agent of agents) byId.set(agent.computerId, agent);
    const temp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
    writeFileSync(temp, JSON.stringify({ server: this.server, agents: [...byId.values()] } satisfies SimulationStateFile), { mode: 0o600 });
    chmodSync(temp, 0o600);
    renameSync(temp, file);
  }
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

export function formatSummary(summary: SimulationSummary): string {
  const lines = [
    `computers:       ${summary.computers} (${summary.reused} reused, ${summary.registered} registered)`,
    `duration:        ${summary.durationSeconds} s`,
    `check-ins:       ${summary.checkIns} (${round(summary.checkIns / Math.max(summary.durationSeconds, 0.001))}/s)`,
    `  200:           ${summary.ok} (${summary.verified} verified)`,
    `  304:           ${summary.notModified}`,
    `  refused:       ${summary.refused}`,
    `errors:          ${summary.errors}`,
    `latency p50:     ${summary.latencyP50Ms} ms`,
    `latency p99:     ${summary.latencyP99Ms} ms`,
    `status reports:  ${summary.statusReports} (${summary.statusEvents} events)`,
  ];
  for (const sample of summary.errorSamples) lines.push(`  error: ${sample}`);
  return lines.join('\n');
}
