import type { Etcd3 } from 'etcd3';
import type { Service } from '../../shared/api/core.js';
import type { EndpointSlice } from '../../shared/api/discovery.js';
import type { KeyValue } from '../../shared/etcd/range.js';
import { PrefixReflector, type WatchEvent } from '../../shared/etcd/reflector.js';
import { resourcePrefix, type StoredResource } from '../../shared/storage/keys.js';
import { decodeEndpointSlice, decodeService, type Decoded } from './decode.js';

/** What the source tells the proxiers. */
interface SourceHandler {
  service(name: string, svc: Service | undefined): void;
  endpointSlice(key: string, slice: EndpointSlice | undefined, revision: number): void;
  /** A watch was cancelled (etcd compaction) and the prefix re-listed: time for a full sync. */
  relisted(resource: StoredResource): void;
  /** A batch of changes has been delivered. */
  changed(): void;
}

interface SourceOptions {
  log: (line: string) => void;
  maxBackoffMs?: number;
}

/**
 * kube-proxy's two informers, on etcd directly: list-then-watch of the Services and the
 * EndpointSlices under `root`, through the shared reflector (which resumes after a
 * disconnect and re-lists after a compaction). Undecodable values are skipped with a warning;
 * a key whose value turns undecodable counts as deleted, since no reader can see it any more.
 */
export class EtcdSource {
  private readonly services: PrefixReflector;
  private readonly slices: PrefixReflector;
  private readonly knownServices = new Set<string>();
  private readonly knownSlices = new Set<string>();
  private started = false;

  constructor(
    client: Etcd3,
    private readonly root: string,
    private readonly handler: SourceHandler,
    private readonly options: SourceOptions,
  ) {
    const reflectorOptions = { log: options.log, maxBackoffMs: options.maxBackoffMs };
    this.services = new PrefixReflector(
      client,
      resourcePrefix(root, 'services'),
      {
        replace: (items) => this.replace('services', items),
        apply: (events) => this.apply('services', events),
      },
      reflectorOptions,
    );
    this.slices = new PrefixReflector(
      client,
      resourcePrefix(root, 'endpointslices'),
      {
        replace: (items) => this.replace('endpointslices', items),
        apply: (events) => this.apply('endpointslices', events),
      },
      reflectorOptions,
    );
  }

  /** The newest etcd revision whose changes have all been handed over. */
  get revision(): number {
    return Math.max(this.services.revision, this.slices.revision);
  }

  /** Resolves once both prefixes have been listed and handed over. */
  async start(): Promise<void> {
    await Promise.all([this.services.start(), this.slices.start()]);
    this.started = true;
  }

  stop(): void {
    this.services.stop();
    this.slices.stop();
  }

  private replace(resource: 'services' | 'endpointslices', items: KeyValue[]): void {
    const known = resource === 'services' ? this.knownServices : this.knownSlices;
    const seen = new Set<string>();
    for (const kv of items) {
      seen.add(kv.key);
      this.put(resource, kv);
    }
    for (const key of [...known]) if (!seen.has(key)) this.remove(resource, key);
    if (this.started) {
      this.handler.relisted(resource);
      this.handler.changed();
    }
  }

  private apply(resource: 'services' | 'endpointslices', events: WatchEvent[]): void {
    for (const ev of events) {
      if (ev.type === 'put') this.put(resource, ev.kv);
      else this.remove(resource, ev.key);
    }
    this.handler.changed();
  }

  private put(resource: 'services' | 'endpointslices', kv: KeyValue): void {
    const known = resource === 'services' ? this.knownServices : this.knownSlices;
    const decoded: Decoded<Service | EndpointSlice> =
      resource === 'services' ? decodeService(this.root, kv) : decodeEndpointSlice(this.root, kv);
    if (!decoded.ok) {
      this.options.log(`warning: skipping ${kv.key} (revision ${kv.modRevision}): ${decoded.error}`);
      this.remove(resource, kv.key);
      return;
    }
    known.add(kv.key);
    if (resource === 'services') this.handler.service(decoded.name, decoded.obj as Service);
    else this.handler.endpointSlice(kv.key, decoded.obj as EndpointSlice, kv.modRevision);
  }

  private remove(resource: 'services' | 'endpointslices', key: string): void {
    const known = resource === 'services' ? this.knownServices : this.knownSlices;
    if (!known.delete(key)) return;
    if (resource === 'services') this.handler.service(this.serviceName(key), undefined);
    else this.handler.endpointSlice(key, undefined, 0);
  }

  private serviceName(key: string): string {
    return key.slice(resourcePrefix(this.root, 'services').length);
  }
}
