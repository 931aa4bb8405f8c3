import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BindAddress } from './bind-address.js';

/** How long kube-proxy waits before it tries a failed metrics or healthz listener again. */
const RETRY_MS = 5000;

export interface Served {
  /** The bound `host:port` once listening (port 0 resolved), else undefined. */
  address(): string | undefined;
  close(): Promise<void>;
}

/**
 * Serves `handle` on `bind`. As kube-proxy without --bind-address-hard-fail, a listener that
 * cannot bind is logged and tried again every 5 s; proxying goes on meanwhile.
 */
export function serveOn(name: string, bind: BindAddress, handle: (req: IncomingMessage, res: ServerResponse) => void, log: (line: string) => void): Served {
  let server: Server | undefined;
  let retry: NodeJS.Timeout | undefined;
  let closed = false;
  const listen = () => {
    const s = createServer(handle);
    s.once('error', (err) => {
      log(`error: failed to start ${name} server on ${hostPort(bind.host, bind.port)}: ${err.message}; retrying in ${RETRY_MS / 1000}s`);
      s.close();
      if (!closed) retry = setTimeout(listen, RETRY_MS).unref();
    });
    s.listen(bind.port, bind.host, () => {
      if (closed) return void s.close();
      server = s;
      // Port 0 picks one: say which.
      log(`proxy-sim: serving ${name} on ${boundAddress()}`);
    });
  };
  const boundAddress = () => {
    const a = server?.address() as AddressInfo | null | undefined;
    return a ? hostPort(a.address, a.port) : undefined;
  };
  listen();
  return {
    address: boundAddress,
    close() {
      closed = true;
      clearTimeout(retry);
      return new Promise((resolve) => {
        if (!server) return resolve();
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
