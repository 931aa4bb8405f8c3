/**
 * The lab's client: opens `count` new connections (or sends as many UDP datagrams, each
 * from a new socket) to dst:port, one after another, and prints one JSON line per attempt:
 * `{"endpoint":"10.0.1.1:8080","seenFrom":"10.0.0.5:41234"}` or `{"error":"ECONNREFUSED"}`.
 * Each attempt is a new connection, so the rules choose an endpoint for each one.
 *
 * Usage (inside a namespace): probe <dst> <port> [tcp|udp] [count] [timeoutMs]
 */
import { createSocket } from 'node:dgram';
import { fileURLToPath } from 'node:url';
import { connect, isIPv6 } from 'node:net';

export interface ProbeAnswer {
  endpoint?: string;
  seenFrom?: string;
  error?: string;
}

function parseAnswer(line: string): ProbeAnswer {
  const m = /^(\S+) from (\S+)/.exec(line.trim());
  return m ? { endpoint: m[1], seenFrom: m[2] } : { error: `unexpected answer ${JSON.stringify(line)}` };
}

function tcp(dst: string, port: number, timeoutMs: number): Promise<ProbeAnswer> {
  return new Promise((resolve) => {
    let data = '';
    const sock = connect({ host: dst, port, timeout: timeoutMs });
    sock.on('connect', () => sock.write('probe\n'));
    sock.on('data', (d) => (data += d.toString()));
    sock.on('end', () => resolve(parseAnswer(data)));
    sock.on('timeout', () => {
      sock.destroy();
      resolve({ error: 'ETIMEDOUT' });
    });
    sock.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
  });
}

function udp(dst: string, port: number, timeoutMs: number): Promise<ProbeAnswer> {
  return new Promise((resolve) => {
    const sock = createSocket(isIPv6(dst) ? 'udp6' : 'udp4');
    const finish = (a: ProbeAnswer) => {
      clearTimeout(timer);
      sock.close();
      resolve(a);
    };
    const timer = setTimeout(() => finish({ error: 'ETIMEDOUT' }), timeoutMs);
    sock.on('message', (msg) => finish(parseAnswer(msg.toString())));
    // An ICMP port unreachable (REJECT) shows up as an error on a connected socket.
    sock.on('error', (err: NodeJS.ErrnoException) => finish({ error: err.code ?? err.message }));
    sock.connect(port, dst, () => sock.send('probe\n'));
  });
}

async function main(args: string[]): Promise<void> {
  const [dst, port, proto = 'tcp', count = '1', timeout = '2000'] = args;
  if (!dst || !port) throw new Error('usage: probe <dst> <port> [tcp|udp] [count] [timeoutMs]');
  for (let i = 0; i < Number(count); i++) {
    const a = await (proto === 'udp' ? udp : tcp)(dst, Number(port), Number(timeout));
    process.stdout.write(JSON.stringify(a) + '\n');
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main(process.argv.slice(2));
