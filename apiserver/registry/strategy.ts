import type { KubeObject } from '../../shared/api/meta.js';
import type { StoredResource } from '../../shared/storage/keys.js';
import type { FieldError } from '../errors/field.js';

/** What the API calls a kind: names, scope and where it is stored. */
export interface ResourceInfo {
  group: string;
  version: string;
  kind: string;
  listKind: string;
  /** The plural resource name in URLs and errors, e.g. `services`. */
  resource: string;
  /** Where its objects live in etcd. */
  storage: StoredResource;
  namespaced: boolean;
}

/** A key this write also creates; the transaction fails if it already exists. */
export interface Claim {
  key: string;
  value: Buffer;
  /** Asked when the key turned out to exist: retry the whole write with a new choice, or fail. */
  onTaken(): 'retry' | Error;
}

/** A key the write depends on: if it changed since it was read, the whole write is redone. */
export interface Guard {
  key: string;
  /** 0 for a key that must still be absent. */
  modRevision: number;
  /** Told what the key holds now when the write failed because it changed, before the retry. */
  onChanged?(current: { modRevision: number; value: Buffer } | undefined): void;
}

/**
 * The extra keys one write of an object carries: created (claims), overwritten (puts) and
 * deleted (releases) in the same etcd transaction as the object itself, so either all of it
 * happens or none of it.
 */
export interface SideEffects {
  claims: Claim[];
  puts?: { key: string; value: Buffer }[];
  releases: string[];
  guards?: Guard[];
  /** Called once the transaction is decided (or abandoned), to end in-memory reservations. */
  settle(committed: boolean): void;
  /** Called after a commit, with the object's key and the revision the transaction wrote. */
  committed?(objectKey: string, revision: number): void;
}

export const NO_SIDE_EFFECTS: SideEffects = { claims: [], releases: [], settle: () => undefined };

export interface WriteContext {
  dryRun: boolean;
}

/**
 * The per-kind rules of the generic store, as a registry strategy in kube-apiserver: the store
 * knows how to read and write objects in etcd; the strategy knows what an object of its kind
 * must look like.
 */
export interface Strategy<T extends KubeObject> {
  readonly info: ResourceInfo;
  readonly allowCreateOnUpdate: boolean;

  /** Resets what a client may not set on create (e.g. status). */
  prepareForCreate(obj: T): void;
  validate(obj: T): FieldError[];
  prepareForUpdate(obj: T, old: T): void;
  validateUpdate(obj: T, old: T): FieldError[];
  /** Normalises a valid object just before it is written (Canonicalize). */
  canonicalize?(obj: T): void;

  /** Values set from the request body's kind defaults (SetDefaults_<Kind>), before anything else. */
  defaults?(obj: T): void;

  /** Allocation hooks. They may mutate the object and may throw a StatusError. */
  beginCreate?(obj: T, ctx: WriteContext): SideEffects | Promise<SideEffects>;
  beginUpdate?(obj: T, old: T, ctx: WriteContext): SideEffects | Promise<SideEffects>;
  /** The keys that go away with the object. */
  deleteEffects?(obj: T): SideEffects | Promise<SideEffects>;

  /** Refuses a deletion before anything is written (e.g. of an immortal namespace). */
  admitDelete?(obj: T): void;
  /** True when deletion must wait for more than metadata.finalizers (e.g. a Namespace's spec.finalizers). */
  mustLinger?(obj: T): boolean;
  /** Adjusts an object that is marked for deletion but must linger (e.g. phase Terminating). */
  markDeleted?(obj: T): void;

  /** Fills fields that are derived on read (defaultOnRead), or converts the stored form to this API version. */
  decorate?(obj: T): void;

  /** The form written to etcd, when this API version is stored as another (events.k8s.io/v1 Events as core/v1). */
  toStorage?(obj: T): KubeObject;
  /** The etcd lease each write of an object carries, for kinds stored with a TTL (Events). */
  lease?(): Promise<string>;
}
