/**
 * The client protocol (/client/v1, spoken by the agent in src/agent/): its bodies, header names and
 * install states, declared once. The server (NestJS DTOs, the check-in adapter), the agent and the
 * e2e tests all use these; the file has no imports, so the agent can take it with `import type`
 * (or the plain constants) without pulling in any of the server. docs/agent.md describes the protocol.
 */

/** Header of a check-in answer: Ed25519 signature (base64) over the exact body bytes. */
export const SIGNATURE_HEADER = 'x-patchgate-signature';
/** Header of a check-in answer: the id of the signing key (GET /client/v1/keys lists the public keys). */
export const KEY_ID_HEADER = 'x-patchgate-key-id';

/** The realm of `WWW-Authenticate: Basic` challenges on routes that take HTTP Basic computer credentials. */
export const BASIC_REALM = 'patchgate';

/** Prefix of a computer's token (`pgc_…`), handed out once at registration. */
export const COMPUTER_TOKEN_PREFIX = 'pgc';

/** States an agent reports per (computer, update revision). */
export const REPORTED_STATES = ['downloaded', 'installed', 'installed_pending_reboot', 'failed', 'not_applicable', 'uninstalled'] as const;
export type ReportedState = (typeof REPORTED_STATES)[number];

/** States that mean the update is on the machine (so an install is no longer offered). */
export const INSTALLED_STATES: readonly ReportedState[] = ['installed', 'installed_pending_reboot'];

/** POST /client/v1/register */
export interface RegisterRequest {
  enrollmentKey: string;
  hostname: string;
  os: { family: string; version: string };
  arch: string;
  agentVersion: string;
  requestedGroup?: string;
}

/** The key that signs check-in answers; the agent pins it at registration. */
export interface ServerPublicKey {
  id: string;
  alg: 'ed25519';
  /** SPKI PEM */
  publicKey: string;
}

/** 201 of POST /client/v1/register */
export interface RegisterResponse {
  computerId: string;
  /** the computer's token (`pgc_…`); shown this once */
  token: string;
  serverPublicKey: ServerPublicKey;
  checkInSeconds: number;
}

/** An update the computer reports on the machine. */
export interface InstalledUpdate {
  updateId: string;
  revision: number;
}

/** One installed binary package as dpkg names it (apt machines: docs/debian.md). */
export interface DpkgPackage {
  name: string;
  version: string;
  arch: string;
}

/** What the agent says about its machine; a changed fact is recorded before the offer is made. */
export interface Inventory {
  hostname?: string;
  os?: { family: string; version: string };
  arch?: string;
  agentVersion?: string;
  /** apt machines: dpkg's installed binary packages, sent only when they changed */
  packages?: DpkgPackage[];
}

/** POST /client/v1/checkin */
export interface CheckInRequest {
  /** echoed in the signed answer */
  nonce?: string;
  installed?: InstalledUpdate[];
  inventory?: Inventory;
}

export interface OfferedFile {
  name: string;
  url: string;
  sha256: string;
  size: number;
}

export type OfferAction = 'install' | 'uninstall';
export type RebootBehavior = 'never' | 'always' | 'maybe';

/** One entry of an offer, prerequisites before the updates that need them. */
export interface OfferedUpdate {
  updateId: string;
  revision: number;
  title: string;
  kb: string[];
  classification: string;
  severity: string | null;
  action: OfferAction;
  /** ISO-8601, or null */
  deadline: string | null;
  optional: boolean;
  reboot: RebootBehavior;
  files: OfferedFile[];
}

/**
 * The signed body of a 200 check-in answer (signature in SIGNATURE_HEADER, key id in KEY_ID_HEADER).
 * The agent acts on it only if it is for this computer, not expired, its seq grows and it echoes the
 * nonce (src/agent/response-verifier.ts).
 */
export interface SignedOffer {
  computerId: string;
  issuedAt: string;
  expires: string;
  seq: number;
  nonce: string | null;
  nextCheckInSeconds: number;
  updates: OfferedUpdate[];
}

/** One event of POST /client/v1/status */
export interface StatusEvent {
  updateId: string;
  revision: number;
  state: ReportedState;
  errorCode?: string;
  message?: string;
  occurredAt: string;
  /** per-computer sequence number; a report never overwrites one with a higher seq */
  seq: number;
}

/** POST /client/v1/status */
export interface StatusReport {
  events: StatusEvent[];
}

/** 202 of POST /client/v1/status */
export interface StatusReportAnswer {
  accepted: number;
  /** Events not accepted (their update or revision is not in the server's catalog): sending them again would not help. */
  rejected: RejectedStatusEvent[];
}

export interface RejectedStatusEvent {
  /** position in the report's `events` */
  index: number;
  updateId: string;
  revision: number;
  reason: 'unknown_update';
}
