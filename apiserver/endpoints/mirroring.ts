import { randomUUID } from 'node:crypto';
import type { Etcd3 } from 'etcd3';
import type { Endpoints, Service } from '../../shared/api/core.js';
import type { EndpointSlice } from '../../shared/api/discovery.js';
import type { KubeObject } from '../../shared/api/meta.js';
import { listPrefix } from '../../shared/etcd/range.js';
import { decodeObject, encodeObject } from '../../shared/storage/codec.js';
import { objectKey, resourcePrefix } from '../../shared/storage/keys.js';
import { storageError } from '../registry/etcd-errors.js';
import { readKey, type StoredValue } from '../registry/read-key.js';
import type { Guard, SideEffects } from '../registry/strategy.js';
import { prepareEndpointSliceForCreate, prepareEndpointSliceForUpdate } from '../endpointslices/defaults.js';
import { nowTimestamp } from '../registry/object-meta.js';
import { hasSelector, isMirrorOf, LAST_CHANGE_TRIGGER, mirrorTriggerTime, planMirrors, shouldMirror } from './mirror.js';

/** The writes that bring an Endpoints' mirrors up to date, for the transaction of whatever changed. */
type MirrorEffects = Required<Pick<SideEffects, 'puts' | 'releases' | 'guards'>>;

/** A stored object, or undefined when absent or undecodable (an undecodable one mirrors nothing). */
function stored<T extends KubeObject>(kv: StoredValue | undefined): T | undefined {
  if (!kv) return undefined;
  try {
    return decodeObject<T>(kv.value, kv.modRevision);
  } catch {
    return undefined;
  }
}

/**
 * What upstream's mirroring controller converges to a moment after a write, written in the
 * same transaction as the write that calls for it: an Endpoints' create, update or delete, or a
 * change of its Service (created or deleted selectorless, or its selector coming or going). Every
 * key the plan read is guarded, so a concurrent change redoes the write rather than racing it.
 */
export class Mirroring {
  constructor(
    private readonly client: Etcd3,
    private readonly root: string,
  ) {}

  /** An Endpoints is written. */
  async effects(ep: Endpoints): Promise<SideEffects> {
    const svcKey = objectKey(this.root, 'services', ep.metadata.namespace, ep.metadata.name!);
    const kv = await this.get(svcKey);
    const svc = stored<Service>(kv);
    const effects = await this.reconcile(ep.metadata.namespace!, ep.metadata.name!, shouldMirror(ep, svc) ? ep : undefined);
    effects.guards.push({ key: svcKey, modRevision: kv?.modRevision ?? 0 });
    return { claims: [], ...effects, settle: () => undefined };
  }

  /** An Endpoints is deleted: its mirrors go with it. */
  async deleteEffects(ep: Endpoints): Promise<SideEffects> {
    return { claims: [], ...(await this.reconcile(ep.metadata.namespace!, ep.metadata.name!, undefined)), settle: () => undefined };
  }

  /**
   * A Service is created or updated. Only a change of whether it has a selector matters; the
   * common case (a selector before and after) reads nothing.
   */
  serviceEffects(svc: Service, old: Service | undefined): Promise<MirrorEffects> | undefined {
    if (old ? hasSelector(old) === hasSelector(svc) : hasSelector(svc)) return undefined;
    return this.serviceMirrors(svc);
  }

  private async serviceMirrors(svc: Service): Promise<MirrorEffects> {
    const ns = svc.metadata.namespace!;
    const name = svc.metadata.name!;
    const epKey = objectKey(this.root, 'endpoints', ns, name);
    const kv = await this.get(epKey);
    const ep = stored<Endpoints>(kv);
    const effects = await this.reconcile(ns, name, shouldMirror(ep, svc) ? ep : undefined);
    effects.guards.push({ key: epKey, modRevision: kv?.modRevision ?? 0 });
    return effects;
  }

  /** What a Service's deletion takes along: its Endpoints and their mirrors. */
  async dependentsOfService(namespace: string, name: string): Promise<{ releases: string[]; guards: Guard[] }> {
    const key = objectKey(this.root, 'endpoints', namespace, name);
    const kv = await this.get(key);
    const mirrors = await this.reconcile(namespace, name, undefined);
    return { releases: kv ? [key, ...mirrors.releases] : mirrors.releases, guards: [{ key, modRevision: kv?.modRevision ?? 0 }, ...mirrors.guards] };
  }

  private async reconcile(namespace: string, name: string, ep: Endpoints | undefined): Promise<MirrorEffects> {
    const existing = await this.mirrorsOf(namespace, name);
    const plan = planMirrors(ep, [...existing.values()].map((e) => e.slice));
    const guards: Guard[] = [...existing.values()].map((e) => ({ key: e.key, modRevision: e.modRevision }));
    const puts: { key: string; value: Buffer }[] = [];
    const trigger = ep && mirrorTriggerTime(ep, new Date());
    for (const slice of plan.write) {
      const key = this.sliceKey(slice);
      const current = existing.get(key)?.slice;
      // What the API would have filled in, had the controller created and updated the slice.
      if (current) {
        slice.metadata.uid = current.metadata.uid;
        slice.metadata.creationTimestamp = current.metadata.creationTimestamp;
        prepareEndpointSliceForUpdate(slice, current);
      } else {
        // A generated name must not be someone else's slice.
        guards.push({ key, modRevision: 0 });
        slice.metadata.uid = randomUUID();
        slice.metadata.creationTimestamp = nowTimestamp();
        prepareEndpointSliceForCreate(slice);
      }
      // An unchanged mirror is not rewritten: its watchers see no event for it. A changed or new
      // one carries the trigger time, as the EndpointSlice controller stamps the slices it writes.
      if (current && withTrigger(slice, current.metadata.annotations?.[LAST_CHANGE_TRIGGER]).equals(encodeObject(current))) continue;
      puts.push({ key, value: withTrigger(slice, trigger) });
    }
    return { puts, releases: plan.remove.map((s) => this.sliceKey(s)), guards };
  }

  private sliceKey(slice: EndpointSlice): string {
    return objectKey(this.root, 'endpointslices', slice.metadata.namespace, slice.metadata.name!);
  }

  private get(key: string): Promise<StoredValue | undefined> {
    return readKey(this.client, key);
  }

  /** The stored mirrors of one Endpoints, by key. */
  private async mirrorsOf(namespace: string, name: string): Promise<Map<string, { key: string; slice: EndpointSlice; modRevision: number }>> {
    const mirrors = new Map<string, { key: string; slice: EndpointSlice; modRevision: number }>();
    try {
      await listPrefix(this.client, resourcePrefix(this.root, 'endpointslices', namespace), (kvs) => {
        for (const kv of kvs) {
          const slice = stored<EndpointSlice>({ value: kv.value, modRevision: kv.modRevision });
          if (slice && isMirrorOf(slice, name)) mirrors.set(kv.key, { key: kv.key, slice, modRevision: kv.modRevision });
        }
      });
    } catch (err) {
      throw storageError(err);
    }
    return mirrors;
  }
}

/** The slice encoded with this trigger time annotation (none if undefined). */
function withTrigger(slice: EndpointSlice, trigger: string | undefined): Buffer {
  const annotations = { ...slice.metadata.annotations };
  if (trigger === undefined) delete annotations[LAST_CHANGE_TRIGGER];
  else annotations[LAST_CHANGE_TRIGGER] = trigger;
  slice.metadata.annotations = Object.keys(annotations).length ? annotations : undefined;
  return encodeObject(slice);
}
