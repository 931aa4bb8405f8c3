import type { KubeObject } from '../../shared/api/meta.js';
import type { KeyValue, ReflectorHandler, WatchEvent } from '../../shared/etcd/reflector.js';
import { decodeObject } from '../../shared/storage/codec.js';

/** The objects of one kind, kept current from an etcd watch, as an informer's store. */
export class ObjectCache<T extends KubeObject> implements ReflectorHandler {
  private readonly objects = new Map<string, T>();
  private readonly listeners = new Set<() => void>();

  constructor(private readonly log: (line: string) => void = () => undefined) {}

  get(key: string): T | undefined {
    return this.objects.get(key);
  }

  values(): IterableIterator<T> {
    return this.objects.values();
  }

  /** Called after every change, for controllers that reconcile on any change. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  replace(items: KeyValue[]): void {
    this.objects.clear();
    for (const kv of items) this.put(kv);
    this.notify();
  }

  apply(events: WatchEvent[]): void {
    for (const ev of events) {
      if (ev.type === 'put') this.put(ev.kv);
      else this.objects.delete(ev.key);
    }
    this.notify();
  }

  private put(kv: KeyValue): void {
    try {
      this.objects.set(kv.key, decodeObject<T>(kv.value, kv.modRevision));
    } catch {
      this.log(`skipping ${kv.key}: not a JSON API object`);
    }
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }
}
