import type { Etcd3 } from 'etcd3';
import type { Namespace } from '../../shared/api/core.js';
import { decodeObject } from '../../shared/storage/codec.js';
import { objectKey } from '../../shared/storage/keys.js';
import type { WatchCache } from '../cache/watch-cache.js';
import { forbidden, notFound } from '../errors/status.js';
import type { NamespaceGate } from '../registry/store.js';
import type { Guard, ResourceInfo } from '../registry/strategy.js';
import { readKey } from '../registry/read-key.js';
import { NAMESPACE_INFO } from './strategy.js';

/**
 * NamespaceLifecycle admission: objects are created only in namespaces that exist and are not
 * terminating. It reads the watch-fed cache and, for a namespace the cache has not seen yet
 * (just created) or when asked for a fresh answer, etcd itself.
 */
export class NamespaceLifecycle implements NamespaceGate {
  constructor(
    private readonly client: Etcd3,
    private readonly root: string,
    private readonly cache: WatchCache<Namespace>,
  ) {}

  async admit(namespace: string, resource: ResourceInfo, name: string, fresh: boolean): Promise<Guard> {
    const key = objectKey(this.root, 'namespaces', undefined, namespace);
    const ns = (fresh ? undefined : this.cache.get(key)) ?? (await this.read(key));
    if (!ns) throw notFound(NAMESPACE_INFO, namespace);
    if (ns.status?.phase === 'Terminating' || ns.metadata.deletionTimestamp) {
      throw forbidden(resource, name, `unable to create new content in namespace ${namespace} because it is being terminated`);
    }
    return { key, modRevision: Number(ns.metadata.resourceVersion) };
  }

  private async read(key: string): Promise<Namespace | undefined> {
    const stored = await readKey(this.client, key);
    return stored && decodeObject<Namespace>(stored.value, stored.modRevision);
  }
}
