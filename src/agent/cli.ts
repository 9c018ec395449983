#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { AgentRunner, EXIT } from './agent-runner';
import { runAptRemove, runAptSetup } from './apt/apt-setup-command';
import { NotRegisteredError, StateDir } from './agent-state';
import { parseQuietHours, QuietHours } from './install-policy';
import { machineFacts } from './machine-facts';
import { AlreadyRegisteredError, registerAgent } from './registration';
import { describeAgent } from './status-report';
import { FleetSimulator, formatSummary } from './simulator';

const USAGE = `patchgate-agent — reference agent for Patchgate (see docs/agent.md)

  patchgate-agent register --server URL --enrollment-key KEY --state-dir DIR [--group NAME]
                           [--hostname H --os-family F --os-version V --arch A] [--force]
  patchgate-agent run --state-dir DIR [--once] [--install-cmd 'CMD {file}'] [--uninstall-cmd 'CMD {updateId}']
                      [--include-optional] [--quiet-hours HH-HH]
  patchgate-agent status --state-dir DIR
  patchgate-agent apt-setup --state-dir DIR [--root /] [--components main] [--remove]
  patchgate-agent inventory --state-dir DIR   (run by the apt hook: reports the dpkg inventory if it changed)
  patchgate-agent simulate --server URL --enrollment-key KEY --computers N --duration S [--rate R]
                           [--state-file F] [--verify-sample 0..1] [--concurrency C] [--json]

Exit codes: 0 ok, 1 error (network, server), 2 usage, 3 check-in answer refused,
4 registration missing or already present, 5 an update failed (run --once).`;

class UsageError extends Error {}

function required(values: Record<string, unknown>, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || !value) throw new UsageError(`--${name} is required`);
  return value;
}

function positiveNumber(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new UsageError(`--${name} must be a positive number`);
  return parsed;
}

function quietHoursOption(value: string): QuietHours {
  try {
    return parseQuietHours(value);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** Aborts on the first SIGTERM/SIGINT (finish the step, save, exit 0); a second one exits at once. */
function stopSignal(): AbortSignal {
  const controller = new AbortController();
  const stop = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(130);
    console.log(`${new Date().toISOString()} ${signal}: finishing the current step, then stopping`);
    controller.abort();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  return controller.signal;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    console.log(USAGE);
    return command ? EXIT.ok : EXIT.usage;
  }
  // `patchgate-agent <command> --help`: the usage, not "Unknown option".
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(USAGE);
    return EXIT.ok;
  }
  switch (command) {
    case 'register': {
      const { values } = parseArgs({
        args: rest,
        options: {
          server: { type: 'string' }, 'enrollment-key': { type: 'string' }, 'state-dir': { type: 'string' }, group: { type: 'string' },
          hostname: { type: 'string' }, 'os-family': { type: 'string' }, 'os-version': { type: 'string' }, arch: { type: 'string' }, force: { type: 'boolean' },
        },
      });
      const stateDir = new StateDir(required(values, 'state-dir'));
      const registration = await registerAgent(stateDir, {
        server: required(values, 'server'),
        enrollmentKey: required(values, 'enrollment-key'),
        group: values.group,
        force: values.force,
        facts: machineFacts({ hostname: values.hostname, osFamily: values['os-family'], osVersion: values['os-version'], arch: values.arch }),
      });
      console.log(`registered as ${registration.computerId} (${registration.hostname}, ${registration.os.family} ${registration.os.version} ${registration.arch}); server key ${registration.serverPublicKey.id} pinned in ${stateDir.dir}`);
      return EXIT.ok;
    }
    case 'run': {
      const { values } = parseArgs({
        args: rest,
        options: {
          'state-dir': { type: 'string' }, once: { type: 'boolean' }, 'install-cmd': { type: 'string' }, 'uninstall-cmd': { type: 'string' },
          'include-optional': { type: 'boolean' }, 'quiet-hours': { type: 'string' },
        },
      });
      const stateDir = new StateDir(required(values, 'state-dir'));
      const quietHours = values['quiet-hours'] === undefined ? null : quietHoursOption(values['quiet-hours']);
      stateDir.readRegistration();
      const runner = new AgentRunner(stateDir, {
        installCmd: values['install-cmd'],
        uninstallCmd: values['uninstall-cmd'],
        includeOptional: values['include-optional'] ?? false,
        quietHours,
        signal: stopSignal(),
      });
      return runner.run(values.once ?? false);
    }
    case 'status': {
      const { values } = parseArgs({ args: rest, options: { 'state-dir': { type: 'string' } } });
      const stateDir = new StateDir(required(values, 'state-dir'));
      console.log(describeAgent(stateDir.readRegistration(), stateDir.readState()));
      return EXIT.ok;
    }
    case 'apt-setup': {
      const { values } = parseArgs({
        args: rest,
        options: { 'state-dir': { type: 'string' }, root: { type: 'string', default: '/' }, components: { type: 'string', default: 'main' }, remove: { type: 'boolean' } },
      });
      const stateDir = new StateDir(required(values, 'state-dir'));
      if (values.remove) {
        const removed = runAptRemove(stateDir, values.root);
        console.log(`apt-setup removed: ${removed.removed.join(', ') || 'nothing'}; restored: ${removed.restored.join(', ') || 'nothing'}`);
        return EXIT.ok;
      }
      const components = values.components.split(/[\s,]+/).filter(Boolean);
      if (!components.every((c) => /^[a-z0-9-]{1,32}$/.test(c))) throw new UsageError('--components must be component names like main,contrib');
      const result = await runAptSetup({ stateDir, root: values.root, components, agentCommand: [process.execPath, process.argv[1]] });
      console.log(`apt now reads ${result.distro} ${result.codename} from Patchgate: ${result.written.join(', ')}`);
      for (const entry of result.disabled) console.log(`turned off: ${entry}`);
      return EXIT.ok;
    }
    case 'inventory': {
      const { values } = parseArgs({ args: rest, options: { 'state-dir': { type: 'string' } } });
      const stateDir = new StateDir(required(values, 'state-dir'));
      const outcome = await new AgentRunner(stateDir).reportInventory();
      console.log(outcome === 'sent' ? 'inventory reported' : 'inventory unchanged');
      return EXIT.ok;
    }
    case 'simulate': {
      const { values } = parseArgs({
        args: rest,
        options: {
          server: { type: 'string' }, 'enrollment-key': { type: 'string' }, computers: { type: 'string' }, duration: { type: 'string' },
          rate: { type: 'string' }, 'state-file': { type: 'string' }, 'verify-sample': { type: 'string' }, concurrency: { type: 'string' }, json: { type: 'boolean' },
        },
      });
      const computers = Math.floor(positiveNumber(required(values, 'computers'), 'computers', 1));
      const sample = values['verify-sample'] === undefined ? 1 : Number(values['verify-sample']);
      if (!(sample >= 0 && sample <= 1)) throw new UsageError('--verify-sample must be between 0 and 1');
      const simulator = new FleetSimulator({
        server: new URL(required(values, 'server')).toString(),
        enrollmentKey: required(values, 'enrollment-key'),
        computers,
        durationSeconds: positiveNumber(required(values, 'duration'), 'duration', 10),
        rate: positiveNumber(values.rate, 'rate', Math.min(computers, 100)),
        stateFile: values['state-file'],
        verifySample: sample,
        concurrency: Math.floor(positiveNumber(values.concurrency, 'concurrency', 64)),
        registerConcurrency: 16,
        log: values.json ? () => undefined : undefined,
      });
      const summary = await simulator.run(stopSignal());
      console.log(values.json ? JSON.stringify(summary) : formatSummary(summary));
      return summary.errors > 0 ? EXIT.error : EXIT.ok;
    }
    default:
      throw new UsageError(`unknown command ${command}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`${(error as Error).message}\n\n${USAGE}`);
      process.exitCode = EXIT.usage;
    } else if (error instanceof NotRegisteredError || error instanceof AlreadyRegisteredError) {
      console.error((error as Error).message);
      process.exitCode = EXIT.registration;
    } else {
      console.error(`error: ${(error as Error).message ?? String(error)}`);
      process.exitCode = EXIT.error;
    }
  },
);
