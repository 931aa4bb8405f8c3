/**
 * The lab's "pod": answers on each given TCP and UDP port with the address and port it was
 * reached at and the address the client came from, one line, e.g. `10.0.1.1:8080 from
 * 10.0.0.5:41234`, so a client sees which endpoint the rules chose and whether its source
 * was masqueraded. A request that looks like HTTP gets the line as an HTTP body, for curl.
 *
 * Usage (inside the pod's namespace): echo-server <ip> tcp:8080 udp:5353 ...
 */
import { createSocket } from 'node:dgram';
import { fileURLToPath } from 'node:url';
import { createServer, isIPv6 } from 'node:net';

const hostPort = (ip: string, port: number) => (isIPv6(ip) ? `[${ip}]:${port}` : `${ip}:${port}`);

function answer(self: string, selfPort: number, peer: string, peerPort: number): string {
  return `${hostPort(self, selfPort)} from ${hostPort(peer.replace(/^::ffff:/, ''), peerPort)}\n`;
}

function serveTCP(ip: string, port: number): void {
  const server = createServer((sock) => {
    const line = answer(sock.localAddress ?? ip, sock.localPort ?? port, sock.remoteAddress ?? '?', sock.remotePort ?? 0);
    let done = false;
    const reply = (data?: Buffer) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (data && /^(GET|HEAD|POST|PUT) /.test(data.toString('latin1'))) {
        sock.end(`HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(line)}\r\nConnection: close\r\n\r\n${line}`);
      } else sock.end(line);
    };
    // A client that sends nothing (nc) still gets its line.
    const timer = setTimeout(() => reply(), 200);
    sock.once('data', reply);
    sock.on('error', () => sock.destroy());
  });
  server.listen(port, ip);
}

function serveUDP(ip: string, port: number): void {
  const sock = createSocket(isIPv6(ip) ? 'udp6' : 'udp4');
  sock.on('message', (_msg, rinfo) => sock.send(answer(ip, port, rinfo.address, rinfo.port), rinfo.port, rinfo.address));
  sock.bind(port, ip);
}

function main(args: string[]): void {
  const [ip, ...ports] = args;
  if (!ip || ports.length === 0) throw new Error('usage: echo-server <ip> tcp:<port> udp:<port> ...');
  for (const p of ports) {
    const [proto, port] = p.split(':');
    if (proto === 'tcp') serveTCP(ip, Number(port));
    else if (proto === 'udp') serveUDP(ip, Number(port));
  }
  process.stdout.write('ready\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
