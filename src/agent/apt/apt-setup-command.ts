import { resolve } from 'node:path';
import { StateDir } from '../agent-state';
import { ServerClient } from '../server-client';
import { aptRemove, aptSetup, AptSetupResult } from './apt-setup';
import { readOsRelease } from './os-release';

export interface AptSetupCommand {
  stateDir: StateDir;
  root: string;
  components: string[];
  /** the agent's own command line, for the DPkg::Post-Invoke hook */
  agentCommand: string[];
}

/** Single-quoted for /bin/sh (apt runs Post-Invoke commands through sh -c). */
const shellWord = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;

/**
 * `patchgate-agent apt-setup`: reads the distro from os-release under the root, takes the
 * repository key from the server (alg openpgp), points apt at Patchgate and records the root
 * in the state, so check-ins carry the dpkg inventory from then on.
 */
export async function runAptSetup(command: AptSetupCommand): Promise<AptSetupResult & { distro: string; codename: string }> {
  const registration = command.stateDir.readRegistration();
  const root = resolve(command.root);
  const os = readOsRelease(root);
  const keys = await new ServerClient(registration.server).publishedKeys();
  const key = keys.find((k) => k.alg === 'openpgp');
  if (!key) throw new Error(`${registration.server} publishes no repository key (alg openpgp) at /client/v1/keys`);
  const hookCommand = [...command.agentCommand, 'inventory', '--state-dir', resolve(command.stateDir.dir)].map(shellWord).join(' ');
  const result = aptSetup({
    root,
    server: registration.server,
    computerId: registration.computerId,
    token: registration.token,
    armoredKey: key.publicKey,
    distro: os.id,
    codename: os.codename,
    components: command.components,
    hookCommand: `${hookCommand} >/dev/null 2>&1 || true`,
  });
  const state = command.stateDir.readState();
  state.aptRoot = root;
  state.inventoryDigest = null;
  command.stateDir.writeState(state);
  return { ...result, distro: os.id, codename: os.codename };
}

/** `patchgate-agent apt-setup --remove`: the archive entries back, Patchgate's files gone, no more inventory. */
export function runAptRemove(stateDir: StateDir, root: string): ReturnType<typeof aptRemove> {
  const result = aptRemove(resolve(root));
  if (stateDir.hasRegistration()) {
    const state = stateDir.readState();
    state.aptRoot = null;
    state.inventoryDigest = null;
    stateDir.writeState(state);
  }
  return result;
}
