import { randomUUID } from 'node:crypto';
import type { Etcd3 } from 'etcd3';
import type { Endpoints } from '../../shared/api/core.js';
import { SERVICE_NAME_LABEL, type EndpointSlice } from '../../shared/api/discovery.js';
import { decodeObject, encodeObject } from '../../shared/storage/codec.js';
import { objectKey, resourcePrefix } from '../../shared/storage/keys.js';
import { storageError } from '../registry/etcd-errors.js';
import { readKey } from '../registry/read-key.js';
import type { Guard, SideEffects } from '../registry/strategy.js';
import { prepareEndpointSliceForCreate, prepareEndpointSliceForUpdate } from '../endpointslices/defaults.js';
import { nowTimestamp } from '../registry/object-meta.js';
import { isMirrored, LAST_CHANGE_TRIGGER, mirroredSlices, mirrorTriggerTime } from './mirror.js';

/**
 * Writes the mirrored EndpointSlices of an Endpoints object in the Endpoints' own transaction,
 * which is what upstream's mirroring controller converges to a moment later. Endpoints that
 * already have a slice of their own (not a mirror) are not mirrored, as the issue asks.
 */
export class Mirroring {
  constructor(
    private readonly client: Etcd3,
    private readonly root: string,
  ) {}

  async effects(ep: Endpoints, old: Endpoints | undefined): Promise<SideEffects> {
    const slices = await this.slicesIn(ep.metadata.namespace!);
    const ownSlice = [...slices.values()].some((s) => s.metadata.labels?.[SERVICE_NAME_LABEL] === ep.metadata.name && !isMirrored(s));
    const wanted = ownSlice ? [] : mirroredSlices(ep);
    const wantedKeys = new Set(wanted.map((s) => this.sliceKey(s)));
    const stale = old ? this.keysOf(old).filter((k) => !wantedKeys.has(k)) : [];
    const puts: { key: string; value: Buffer }[] = [];
    const trigger = mirrorTriggerTime(ep, new Date());
    for (const slice of wanted) {
      const key = this.sliceKey(slice);
      const current = slices.get(key);
      // What the API would have filled in, had the controller created and updated the slice.
      if (current) {
        slice.metadata.uid = current.metadata.uid;
        slice.metadata.creationTimestamp = current.metadata.creationTimestamp;
        prepareEndpointSliceForUpdate(slice, current);
      } else {
        slice.metadata.uid = randomUUID();
        slice.metadata.creationTimestamp = nowTimestamp();
        prepareEndpointSliceForCreate(slice);
      }
      // An unchanged mirror is not rewritten: its watchers see no event for it. A changed or new
      // one carries the trigger time, as the EndpointSlice controller stamps the slices it writes.
      if (current && withTrigger(slice, current.metadata.annotations?.[LAST_CHANGE_TRIGGER]).equals(encodeObject(current))) continue;
      puts.push({ key, value: withTrigger(slice, trigger) });
    }
    return { claims: [], puts, releases: stale, settle: () => undefined };
  }

  deleteEffects(ep: Endpoints): SideEffects {
    return { claims: [], releases: this.keysOf(ep), settle: () => undefined };
  }

  /** What a Service's deletion takes along: its Endpoints and their mirrored slices. */
  async dependentsOfService(namespace: string, name: string): Promise<{ releases: string[]; guards: Guard[] }> {
    const key = objectKey(this.root, 'endpoints', namespace, name);
    const stored = await readKey(this.client, key);
    if (!stored) return { releases: [], guards: [{ key, modRevision: 0 }] };
    const { value, modRevision } = stored;
    let mirrors: string[] = [];
    try {
      mirrors = this.keysOf(decodeObject<Endpoints>(value, modRevision));
    } catch {
      // An undecodable Endpoints still goes; it cannot have mirrors we could name.
    }
    return { releases: [key, ...mirrors], guards: [{ key, modRevision }] };
  }

  private keysOf(ep: Endpoints): string[] {
    return mirroredSlices(ep).map((s) => this.sliceKey(s));
  }

  private sliceKey(slice: EndpointSlice): string {
    return objectKey(this.root, 'endpointslices', slice.metadata.namespace, slice.metadata.name!);
  }

  /** The stored EndpointSlices of a namespace, by key. */
  private async slicesIn(namespace: string): Promise<Map<string, EndpointSlice>> {
    let res;
    try {
      res = await this.client.getAll().prefix(resourcePrefix(this.root, 'endpointslices', namespace)).exec();
    } catch (err) {
      throw storageError(err);
    }
    const slices = new Map<string, EndpointSlice>();
    for (const kv of res.kvs) {
      try {
        slices.set(kv.key.toString('utf8'), decodeObject<EndpointSlice>(kv.value, Number(kv.mod_revision)));
      } catch {
        // not an object; neither ours nor anyone's slice
      }
    }
    return slices;
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
