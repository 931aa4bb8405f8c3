import type { Etcd3 } from 'etcd3';
import type { Endpoints } from '../../shared/api/core.js';
import { SERVICE_NAME_LABEL, type EndpointSlice } from '../../shared/api/discovery.js';
import { decodeObject, encodeObject } from '../../shared/storage/codec.js';
import { objectKey, resourcePrefix } from '../../shared/storage/keys.js';
import { storageError } from '../registry/etcd-errors.js';
import type { Guard, SideEffects } from '../registry/strategy.js';
import { isMirrored, mirroredSlices } from './mirror.js';

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
    const wanted = (await this.hasOwnSlice(ep)) ? [] : mirroredSlices(ep);
    const wantedKeys = new Set(wanted.map((s) => this.sliceKey(s)));
    const stale = old ? this.keysOf(old).filter((k) => !wantedKeys.has(k)) : [];
    return {
      claims: [],
      puts: wanted.map((s) => ({ key: this.sliceKey(s), value: encodeObject(s) })),
      releases: stale,
      settle: () => undefined,
    };
  }

  deleteEffects(ep: Endpoints): SideEffects {
    return { claims: [], releases: this.keysOf(ep), settle: () => undefined };
  }

  /** What a Service's deletion takes along: its Endpoints and their mirrored slices. */
  async dependentsOfService(namespace: string, name: string): Promise<{ releases: string[]; guards: Guard[] }> {
    const key = objectKey(this.root, 'endpoints', namespace, name);
    let res;
    try {
      res = await this.client.kv.range({ key: Buffer.from(key) });
    } catch (err) {
      throw storageError(err);
    }
    const kv = res.kvs[0];
    if (!kv) return { releases: [], guards: [{ key, modRevision: 0 }] };
    const modRevision = Number(kv.mod_revision);
    let mirrors: string[] = [];
    try {
      mirrors = this.keysOf(decodeObject<Endpoints>(kv.value, modRevision));
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

  private async hasOwnSlice(ep: Endpoints): Promise<boolean> {
    let res;
    try {
      res = await this.client.getAll().prefix(resourcePrefix(this.root, 'endpointslices', ep.metadata.namespace)).exec();
    } catch (err) {
      throw storageError(err);
    }
    return res.kvs.some((kv) => {
      try {
        const slice = decodeObject<EndpointSlice>(kv.value, Number(kv.mod_revision));
        return slice.metadata.labels?.[SERVICE_NAME_LABEL] === ep.metadata.name && !isMirrored(slice);
      } catch {
        return false;
      }
    });
  }
}
