import { createPublicKey } from 'node:crypto';
import { Registration, StateDir, emptyState } from './agent-state';
import { AGENT_VERSION } from './agent-version';
import { MachineFacts } from './machine-facts';
import { ServerClient } from './server-client';

export interface RegisterOptions {
  server: string;
  enrollmentKey: string;
  facts: MachineFacts;
  group?: string;
  force?: boolean;
}

export class AlreadyRegisteredError extends Error {
  constructor(dir: string) {
    super(`${dir} already holds a registration; pass --force to replace it`);
  }
}

/** Registers with the server and pins its signing key in the state dir (a fresh state goes with it). */
export async function registerAgent(stateDir: StateDir, options: RegisterOptions): Promise<Registration> {
  if (stateDir.hasRegistration() && !options.force) throw new AlreadyRegisteredError(stateDir.dir);
  const server = new URL(options.server).toString().replace(/\/+$/, '');
  const answer = await new ServerClient(server).register({
    enrollmentKey: options.enrollmentKey,
    hostname: options.facts.hostname,
    os: options.facts.os,
    arch: options.facts.arch,
    agentVersion: AGENT_VERSION,
    ...(options.group ? { requestedGroup: options.group } : {}),
  });
  const key = answer.serverPublicKey;
  if (key?.alg !== 'ed25519' || createPublicKey(key.publicKey).asymmetricKeyType !== 'ed25519') {
    throw new Error('the server did not hand out an Ed25519 public key');
  }
  const registration: Registration = {
    server,
    computerId: answer.computerId,
    token: answer.token,
    serverPublicKey: { id: key.id, alg: key.alg, publicKey: key.publicKey },
    checkInSeconds: answer.checkInSeconds,
    registeredAt: new Date().toISOString(),
    hostname: options.facts.hostname,
    os: options.facts.os,
    arch: options.facts.arch,
  };
  stateDir.writeRegistration(registration);
  stateDir.writeState(emptyState());
  return registration;
}
