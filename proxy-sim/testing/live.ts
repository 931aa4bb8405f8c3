import type { Etcd3 } from 'etcd3';
import type { Service } from '../../shared/api/core.js';
import type { EndpointSlice } from '../../shared/api/discovery.js';
import { encodeObject } from '../../shared/storage/codec.js';
import { objectKey } from '../../shared/storage/keys.js';
import { startLive, type LiveHandle, type LiveOptions } from '../cli/live.js';
import { testNode } from './objects.js';

/** One printed sync: its header line and its restore text. */
interface PrintedSync {
  header: string;
  text: string;
}

/** Live mode in-process, its output captured, for tests. */
export class LiveRun {
  out = '';
  err: string[] = [];
  handle: LiveHandle | undefined;

  static async start(endpoints: string[], prefix: string, options: Partial<LiveOptions> = {}): Promise<LiveRun> {
    const run = new LiveRun();
    run.handle = await startLive(
      {
        node: testNode(),
        families: [4],
        etcdServers: endpoints,
        etcdPrefix: prefix,
        minSyncPeriodMs: 0,
        syncPeriodMs: 3_600_000,
        output: 'changes',
        maxBackoffMs: 500,
        ...options,
      },
      { out: (t) => (run.out += t), err: (l) => run.err.push(l) },
    );
    return run;
  }

  /** The printed syncs, in order. */
  syncs(): PrintedSync[] {
    return this.out
      .split(/^(?=# sync )/m)
      .filter((s) => s.startsWith('# sync '))
      .map((s) => {
        const nl = s.indexOf('\n');
        return { header: s.slice(0, nl), text: s.slice(nl + 1) };
      });
  }

  /** Waits for a printed sync whose header matches, and returns it. */
  async waitForSync(header: RegExp, timeoutMs = 15_000): Promise<PrintedSync> {
    let found: PrintedSync | undefined;
    await eventually(() => {
      found = this.syncs().find((s) => header.test(s.header));
      if (!found) throw new Error(`no sync matching ${header}; headers so far:\n${this.syncs().map((s) => s.header).join('\n')}\nstderr:\n${this.err.join('\n')}`);
    }, timeoutMs);
    return found!;
  }

  async stop(): Promise<void> {
    await this.handle?.stop();
  }
}

export async function eventually(check: () => void, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      check();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}

/** Writes an object where the apiserver would; returns the etcd revision of the write. */
export async function putObject(client: Etcd3, root: string, obj: Service | EndpointSlice): Promise<number> {
  const resource = obj.kind === 'EndpointSlice' ? 'endpointslices' : 'services';
  const res = await client.put(objectKey(root, resource, obj.metadata.namespace, obj.metadata.name!)).value(encodeObject(obj)).exec();
  return Number(res.header.revision);
}

export async function deleteObject(client: Etcd3, root: string, resource: 'services' | 'endpointslices', namespacedName: string): Promise<number> {
  const [ns, name] = namespacedName.split('/');
  const res = await client.delete().key(objectKey(root, resource, ns, name!)).exec();
  return Number(res.header.revision);
}
