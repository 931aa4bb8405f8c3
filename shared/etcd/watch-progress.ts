import type { Etcd3, IWatchResponse, Watcher } from 'etcd3';
import { WatchManager } from 'etcd3/lib/watch.js';

/**
 * etcd's RequestProgress (clientv3's Watcher.RequestProgress) for the etcd3 client, which has
 * none: a progress request on the client's one watch stream, whose answer (watch id -1, no
 * events) says every change up to its header revision has been sent on that stream. Each
 * watcher of the stream gets it as a 'progress' event, as clientv3 hands it to every watcher.
 *
 * etcd3 1.1.2 keeps the stream private and throws on a response for an unknown watch id, so this
 * reaches into its WatchManager: that is what must be re-checked on an etcd3 upgrade.
 */
interface ManagerInternals {
  state: number;
  stream?: { write(req: unknown): void };
  watchers: Watcher[];
  handleResponse(res: IWatchResponse): void;
}

const CONNECTED = 2;
const PROGRESS_WATCH_ID = '-1';

const proto = WatchManager.prototype as unknown as ManagerInternals;
const handleResponse = proto.handleResponse;
proto.handleResponse = function (this: ManagerInternals, res: IWatchResponse) {
  if (String(res.watch_id) !== PROGRESS_WATCH_ID) return handleResponse.call(this, res);
  for (const watcher of this.watchers) {
    if (watcher.id !== null) watcher.emit('progress', res);
  }
};

/** Asks etcd for a progress notification on the client's watch stream; false when it has none open. */
export function requestWatchProgress(client: Etcd3): boolean {
  const manager = (client as unknown as { watchManager: ManagerInternals }).watchManager;
  if (manager.state !== CONNECTED || !manager.stream) return false;
  manager.stream.write({ progress_request: {} });
  return true;
}

/**
 * Whether etcd's progress answers can be trusted as they come: Kubernetes relies on them only
 * from etcd 3.4.31 and 3.5.13 on, whose fixes (etcd issue 15220 and later) stop a progress
 * answer from overtaking events still queued for the stream.
 */
export function progressIsOrdered(version: string): boolean {
  const [major = 0, minor = 0, patch = 0] = version.split('.').map((n) => Number.parseInt(n, 10));
  if (major !== 3) return major > 3;
  if (minor === 4) return patch >= 31;
  if (minor === 5) return patch >= 13;
  return minor > 5;
}

const ordered = new WeakMap<Etcd3, Promise<boolean>>();

/** progressIsOrdered for the etcd this client talks to, asked once. */
export function etcdOrdersProgress(client: Etcd3): Promise<boolean> {
  let answer = ordered.get(client);
  if (!answer) {
    answer = client.maintenance.status().then((s) => progressIsOrdered(s.version));
    // Asked again next time if this one failed.
    answer.catch(() => ordered.delete(client));
    ordered.set(client, answer);
  }
  return answer;
}

/**
 * For an etcd whose progress answers may overtake events: true when, at `revision`, the prefix
 * holds `keys` keys and none changed after `delivered`, so no change up to `revision` is still
 * on its way (short of a key both created and deleted in between, whose late events cancel out).
 */
export async function nothingUndelivered(client: Etcd3, prefix: string, delivered: number, keys: number, revision: number): Promise<boolean> {
  const at = String(revision);
  const [count, newest] = await Promise.all([
    client.getAll().prefix(prefix).revision(at).count(),
    client.getAll().prefix(prefix).revision(at).sort('Mod', 'Descend').limit(1).exec(),
  ]);
  const newestMod = Number(newest.kvs[0]?.mod_revision ?? 0);
  return count === keys && newestMod <= delivered;
}
