import { readFileSync } from 'node:fs';
import { ManagedProcess } from './managed-process';

/** Field 5 of /proc/PID/stat: the process group id. */
function processGroupOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
}

describe('ManagedProcess', () => {
  it('runs the server in its own process group, so a Ctrl-C to our group does not reach it', async () => {
    const server = new ManagedProcess('sleeper', 'sleep', ['30']);
    try {
      expect(server.pid).toBeDefined();
      expect(processGroupOf(server.pid!)).toBe(server.pid);
      expect(processGroupOf(server.pid!)).not.toBe(processGroupOf(process.pid));
    } finally {
      const exit = await server.stop('SIGTERM', 5_000);
      expect(exit.signal).toBe('SIGTERM');
    }
  });
});
