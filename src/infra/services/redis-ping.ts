import net from 'node:net';

/**
 * Sends AUTH + PING over a raw socket and resolves on +OK/+PONG. A raw socket instead of ioredis
 * keeps the readiness loop free of client reconnect logic and "unhandled error event" noise.
 */
export async function pingRedis(port: number, password: string, timeoutMs = 2000): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let received = '';
    const finish = (error?: Error): void => {
      socket.destroy();
      if (error) reject(error);
      else resolve();
    };
    socket.setTimeout(timeoutMs, () => finish(new Error('no answer to PING')));
    socket.once('error', (error) => finish(error));
    socket.once('connect', () => socket.write(command('AUTH', password) + command('PING')));
    socket.on('data', (chunk) => {
      received += chunk.toString('utf8');
      const replies = received.split('\r\n');
      if (replies.length < 3) return; // two complete replies expected
      const [auth, ping] = replies;
      if (auth === '+OK' && ping === '+PONG') finish();
      // e.g. "-LOADING Redis is loading the dataset in memory" or "-WRONGPASS ..."
      else finish(new Error(`unexpected reply: ${auth === '+OK' ? ping : auth}`));
    });
  });
}

/** RESP array of bulk strings, the wire format of a Redis command. */
function command(...parts: string[]): string {
  return `*${parts.length}\r\n${parts.map((part) => `$${Buffer.byteLength(part)}\r\n${part}\r\n`).join('')}`;
}
