import { sharedEtcd, uniquePrefix } from '../../shared/testing/etcd.js';
import { PortRange } from '../allocator/node-ports.js';
import { parseServiceClusterIPRange } from '../allocator/service-cidr.js';
import { startApiServer, type RunningApiServer } from '../server.js';
import type { WatchLimits } from '../http/watch.js';

interface TestServerOptions {
  serviceClusterIPRange?: string;
  nodePortRange?: string;
  prefix?: string;
  etcdServers?: string[];
  repairIntervalMs?: number;
  /** 0 (the default here): no compaction, which would disturb other tests on the shared etcd. */
  etcdCompactionIntervalMs?: number;
  ipLeakGraceMs?: number;
  serviceCIDRSyncMs?: number;
  eventTTLMs?: number;
  etcdRequestTimeoutMs?: number;
  watchLimits?: WatchLimits;
  kubernetesServiceIntervalMs?: number;
  /** Upstream's 5 s unless a test says otherwise; 1 s keeps suites that delete namespaces quick. */
  namespaceDeletionGraceMs?: number;
  /** Collects log lines instead of printing them. */
  logs?: string[];
}

/** An apiserver on a free port over the shared etcd, under a prefix of its own. */
export async function startTestApiServer(options: TestServerOptions = {}): Promise<RunningApiServer & { prefix: string }> {
  const etcd = options.etcdServers ? undefined : await sharedEtcd();
  const prefix = options.prefix ?? uniquePrefix('apiserver');
  const logs = options.logs;
  const server = await startApiServer({
    etcdServers: options.etcdServers ?? etcd!.endpoints,
    etcdPrefix: prefix,
    serviceCIDRs: parseServiceClusterIPRange(options.serviceClusterIPRange ?? '10.96.0.0/12'),
    nodePortRange: PortRange.parse(options.nodePortRange ?? '30000-32767'),
    bindAddress: '127.0.0.1',
    port: 0,
    advertiseAddress: '192.168.0.10',
    repairIntervalMs: options.repairIntervalMs ?? 3_600_000,
    etcdCompactionIntervalMs: options.etcdCompactionIntervalMs ?? 0,
    ipLeakGraceMs: options.ipLeakGraceMs ?? 60_000,
    serviceCIDRSyncMs: options.serviceCIDRSyncMs,
    eventTTLMs: options.eventTTLMs,
    etcdRequestTimeoutMs: options.etcdRequestTimeoutMs,
    watchLimits: options.watchLimits,
    kubernetesServiceIntervalMs: options.kubernetesServiceIntervalMs,
    namespaceDeletionGraceMs: options.namespaceDeletionGraceMs ?? 1000,
    log: (line) => logs?.push(line),
  });
  return Object.assign(server, { prefix });
}

export interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

/** A tiny JSON client for tests: every answer comes back, errors included. */
export async function call<T = Record<string, any>>(base: string, method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<Answer<T>> {
  const res = await fetch(base + path, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': contentType },
    body: body === undefined ? undefined : typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: health checks answer text
  }
  return { status: res.status, body: parsed as T, headers: res.headers };
}

/** Creates an object over the API for a suite's fixtures; anything but 201 fails the suite. */
export async function create(server: string, path: string, body: unknown): Promise<void> {
  const res = await call(server, 'POST', path, body);
  if (res.status !== 201) throw new Error(`POST ${path}: ${res.status} ${JSON.stringify(res.body)}`);
}

export function service(name: string, spec: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, ...metadata },
    spec: { ports: [{ port: 80 }], selector: { app: name }, ...spec },
  };
}

/** A watch stream read line by line, as kubectl and client-go read it. */
export class WatchStream {
  readonly events: { type: string; object: any }[] = [];
  ended = false;
  private buffer = '';
  private readonly controller = new AbortController();

  private constructor() {}

  static async open(base: string, path: string): Promise<WatchStream> {
    const stream = new WatchStream();
    const res = await fetch(base + path, { signal: stream.controller.signal });
    if (res.status !== 200) throw new Error(`watch answered ${res.status}: ${await res.text()}`);
    void (async () => {
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          stream.buffer += Buffer.from(chunk).toString('utf8');
          let nl: number;
          while ((nl = stream.buffer.indexOf('\n')) >= 0) {
            stream.events.push(JSON.parse(stream.buffer.slice(0, nl)));
            stream.buffer = stream.buffer.slice(nl + 1);
          }
        }
      } catch {
        // aborted
      }
      stream.ended = true;
    })();
    return stream;
  }

  async waitFor(count: number, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.events.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    if (this.events.length < count) throw new Error(`saw ${this.events.length} events, wanted ${count}: ${JSON.stringify(this.events.map((e) => e.type))}`);
  }

  async waitEnded(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.ended && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    if (!this.ended) throw new Error('stream still open');
  }

  close(): void {
    this.controller.abort();
  }
}
