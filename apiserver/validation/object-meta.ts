import { forbidden, invalid, required, tooLong, type FieldError } from '../errors/field.js';
import { goQuote, goStringSlice, goTime } from '../errors/go-format.js';
import type { ObjectMeta, OwnerReference } from '../../shared/api/meta.js';
import { validateLabels } from './labels.js';
import { byteLength } from './messages.js';
import { nameIsDNSLabel, type NameValidator } from './names.js';
import { isQualifiedName } from './qualified-name.js';

interface ObjectMetaRules {
  /** Namespaced kinds require metadata.namespace; cluster-scoped kinds forbid it. */
  namespaced: boolean;
  nameValidator: NameValidator;
}

const META = 'metadata';
const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;
const FIELD_MANAGER_MAX_LENGTH = 128;
const MAX_SUBRESOURCE_NAME_LENGTH = 256;
const STANDARD_FINALIZERS = new Set(['kubernetes', 'orphan', 'foregroundDeletion']);

/**
 * ValidateObjectMeta as core/validation wraps apimachinery's: name, generateName, namespace,
 * generation, labels, annotations, ownerReferences, finalizers, managedFields, in that order.
 * Expects name generation to have happened already.
 */
export function validateObjectMeta(meta: ObjectMeta | undefined, rules: ObjectMetaRules): FieldError[] {
  const m = meta ?? {};
  const errs: FieldError[] = [];
  const generateName = m.generateName ?? '';
  if (generateName) {
    for (const msg of rules.nameValidator(generateName, true)) errs.push(invalid(`${META}.generateName`, goQuote(generateName), msg));
  }
  const name = m.name ?? '';
  if (!name) errs.push(required(`${META}.name`, 'name or generateName is required'));
  else for (const msg of rules.nameValidator(name, false)) errs.push(invalid(`${META}.name`, goQuote(name), msg));
  const namespace = m.namespace ?? '';
  if (rules.namespaced) {
    if (!namespace) errs.push(required(`${META}.namespace`));
    else for (const msg of nameIsDNSLabel(namespace, false)) errs.push(invalid(`${META}.namespace`, goQuote(namespace), msg));
  } else if (namespace) {
    errs.push(forbidden(`${META}.namespace`, 'not allowed on this type'));
  }
  if ((m.generation ?? 0) < 0) errs.push(invalid(`${META}.generation`, String(m.generation), 'must be greater than or equal to 0'));
  errs.push(...validateLabels(m.labels, `${META}.labels`));
  errs.push(...validateAnnotations(m.annotations, `${META}.annotations`));
  errs.push(...validateOwnerReferences(m.ownerReferences, `${META}.ownerReferences`));
  errs.push(...validateFinalizers(m.finalizers, `${META}.finalizers`));
  errs.push(...validateManagedFields(m.managedFields, `${META}.managedFields`));
  errs.push(...validateKubeFinalizerNames(m.finalizers));
  return errs;
}

/**
 * ValidateObjectMetaUpdate (core's wrapper of apimachinery's). The generic store fills in an empty
 * resourceVersion, uid and creationTimestamp from the stored object before validating, so the
 * immutability errors only fire for values a client actually changed.
 */
export function validateObjectMetaUpdate(newMeta: ObjectMeta | undefined, oldMeta: ObjectMeta | undefined): FieldError[] {
  const n = newMeta ?? {};
  const o = oldMeta ?? {};
  const errs: FieldError[] = [];
  if (o.deletionTimestamp != null) {
    const old = new Set(o.finalizers ?? []);
    const extra = [...new Set((n.finalizers ?? []).filter((f) => !old.has(f)))].sort();
    if (extra.length > 0) {
      errs.push(
        forbidden(`${META}.finalizers`, `no new finalizers can be added if the object is being deleted, found new finalizers ${goStringSlice(extra)}`),
      );
    }
  }
  if (!n.resourceVersion) errs.push(invalid(`${META}.resourceVersion`, goQuote(n.resourceVersion ?? ''), 'must be specified for an update'));
  if ((n.generation ?? 0) < (o.generation ?? 0)) errs.push(invalid(`${META}.generation`, String(n.generation ?? 0), 'must not be decremented'));
  const immutable = (field: string, changed: boolean, value: string) => {
    if (changed) errs.push(invalid(`${META}.${field}`, value, 'field is immutable'));
  };
  immutable('name', (n.name ?? '') !== (o.name ?? ''), goQuote(n.name ?? ''));
  immutable('namespace', (n.namespace ?? '') !== (o.namespace ?? ''), goQuote(n.namespace ?? ''));
  immutable('uid', (n.uid ?? '') !== (o.uid ?? ''), goQuote(n.uid ?? ''));
  immutable('creationTimestamp', !sameTime(n.creationTimestamp, o.creationTimestamp), goTime(n.creationTimestamp));
  immutable(
    'deletionTimestamp',
    (n.deletionTimestamp == null) !== (o.deletionTimestamp == null) || !sameTime(n.deletionTimestamp, o.deletionTimestamp),
    n.deletionTimestamp == null ? 'null' : goTime(n.deletionTimestamp),
  );
  immutable(
    'deletionGracePeriodSeconds',
    (n.deletionGracePeriodSeconds ?? null) !== (o.deletionGracePeriodSeconds ?? null),
    n.deletionGracePeriodSeconds == null ? 'null' : String(n.deletionGracePeriodSeconds),
  );
  errs.push(...validateLabels(n.labels, `${META}.labels`));
  errs.push(...validateAnnotations(n.annotations, `${META}.annotations`));
  errs.push(...validateOwnerReferences(n.ownerReferences, `${META}.ownerReferences`));
  errs.push(...validateManagedFields(n.managedFields, `${META}.managedFields`));
  errs.push(...validateKubeFinalizerNames(n.finalizers));
  return errs;
}

/** metav1.Time compares at the instant it denotes; a missing time is Go's zero time. */
function sameTime(a: string | null | undefined, b: string | null | undefined): boolean {
  const key = (v: string | null | undefined) => {
    if (!v) return 'zero';
    const t = Date.parse(v);
    return Number.isNaN(t) ? `raw:${v}` : String(t);
  };
  return key(a) === key(b);
}

/**
 * ValidateAnnotations: keys are qualified names compared case-insensitively (the path is the
 * whole map, not the key), and keys plus values may total at most 256 KiB.
 */
function validateAnnotations(annotations: Record<string, string> | undefined | null, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!annotations) return errs;
  let total = 0;
  for (const [key, value] of Object.entries(annotations)) {
    for (const msg of isQualifiedName(key.toLowerCase())) errs.push(invalid(path, goQuote(key), msg));
    total += byteLength(key) + byteLength(String(value));
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT) errs.push(tooLong(path, TOTAL_ANNOTATION_SIZE_LIMIT));
  return errs;
}

/** The Go text of a v1.OwnerReference; pointers are shown as nil or by value, as we hold no addresses. */
function goOwnerReference(ref: OwnerReference): string {
  const ptr = (v: boolean | undefined) => (v === undefined || v === null ? '(*bool)(nil)' : `&${v}`);
  return (
    `v1.OwnerReference{APIVersion:${goQuote(ref.apiVersion ?? '')}, Kind:${goQuote(ref.kind ?? '')}, ` +
    `Name:${goQuote(ref.name ?? '')}, UID:${goQuote(ref.uid ?? '')}, Controller:${ptr(ref.controller)}, ` +
    `BlockOwnerDeletion:${ptr(ref.blockOwnerDeletion)}}`
  );
}

/** schema.FromAPIVersionAndKind's group/version split; an unparsable apiVersion has no version. */
function splitAPIVersion(apiVersion: string): { group: string; version: string } {
  if (apiVersion === '' || apiVersion === '/') return { group: '', version: '' };
  const slashes = apiVersion.split('/').length - 1;
  if (slashes === 0) return { group: '', version: apiVersion };
  if (slashes === 1) {
    const i = apiVersion.indexOf('/');
    return { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
  }
  return { group: '', version: '' };
}

/** ValidateOwnerReferences. Note upstream's paths are `ownerReferences.<field>`, without an index. */
function validateOwnerReferences(refs: OwnerReference[] | undefined | null, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!refs) return errs;
  let firstController = '';
  for (const ref of refs) {
    const { group, version } = splitAPIVersion(ref.apiVersion ?? '');
    const kind = ref.kind ?? '';
    if (!version) errs.push(invalid(`${path}.apiVersion`, goQuote(ref.apiVersion ?? ''), 'version must not be empty'));
    if (!kind) errs.push(invalid(`${path}.kind`, goQuote(kind), 'kind must not be empty'));
    if (!ref.name) errs.push(invalid(`${path}.name`, goQuote(ref.name ?? ''), 'name must not be empty'));
    if (!ref.uid) errs.push(invalid(`${path}.uid`, goQuote(ref.uid ?? ''), 'uid must not be empty'));
    if (group === '' && version === 'v1' && kind === 'Event') {
      errs.push(invalid(path, goOwnerReference(ref), '/v1, Kind=Event is disallowed from being an owner'));
    }
    if (ref.controller === true) {
      const current = `${kind}/${ref.name ?? ''}`;
      if (firstController) {
        errs.push(
          invalid(
            path,
            `[]v1.OwnerReference{${refs.map(goOwnerReference).join(', ')}}`,
            `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${current}`,
          ),
        );
      } else {
        firstController = current;
      }
    }
  }
  return errs;
}

/** apimachinery's ValidateFinalizerName: a qualified name. */
export function validateFinalizerName(value: string, path: string): FieldError[] {
  return isQualifiedName(value).map((msg) => invalid(path, goQuote(value), msg));
}

/** core's validateKubeFinalizerName: an unqualified finalizer must be one Kubernetes knows. */
export function validateKubeFinalizerName(value: string, path: string): FieldError[] {
  if (!value.includes('/') && !STANDARD_FINALIZERS.has(value)) {
    return [invalid(path, goQuote(value), 'name is neither a standard finalizer name nor is it fully qualified')];
  }
  return [];
}

function validateFinalizers(finalizers: string[] | undefined | null, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!finalizers) return errs;
  for (const f of finalizers) errs.push(...validateFinalizerName(f, path));
  if (finalizers.includes('orphan') && finalizers.includes('foregroundDeletion')) {
    errs.push(invalid(path, goStringSlice(finalizers), 'finalizer orphan and foregroundDeletion cannot be both set'));
  }
  return errs;
}

function validateKubeFinalizerNames(finalizers: string[] | undefined | null): FieldError[] {
  return (finalizers ?? []).flatMap((f, i) => validateKubeFinalizerName(f, `${META}.finalizers[${i}]`));
}

interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  fieldsType?: string;
  subresource?: string;
}

// unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.
const notPrintable = /[^\p{L}\p{M}\p{N}\p{P}\p{S} ]/u;

function validateManagedFields(entries: unknown[] | undefined | null, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (entries ?? []).forEach((raw, i) => {
    const e = (raw && typeof raw === 'object' ? raw : {}) as ManagedFieldsEntry;
    const p = `${path}[${i}]`;
    if (e.operation !== 'Apply' && e.operation !== 'Update') {
      errs.push(invalid(`${p}.operation`, goQuote(e.operation ?? ''), 'must be `Apply` or `Update`'));
    }
    if (e.fieldsType && e.fieldsType !== 'FieldsV1') errs.push(invalid(`${p}.fieldsType`, goQuote(e.fieldsType), 'must be `FieldsV1`'));
    const manager = e.manager ?? '';
    if (byteLength(manager) > FIELD_MANAGER_MAX_LENGTH) errs.push(tooLong(`${p}.manager`, FIELD_MANAGER_MAX_LENGTH));
    let pos = 0;
    for (const ch of manager) {
      if (notPrintable.test(ch)) {
        const cp = ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
        errs.push(invalid(`${p}.manager`, goQuote(manager), `invalid character U+${cp} (at position ${pos})`));
      }
      pos += byteLength(ch);
    }
    if (byteLength(e.subresource ?? '') > MAX_SUBRESOURCE_NAME_LENGTH) errs.push(tooLong(`${p}.subresource`, MAX_SUBRESOURCE_NAME_LENGTH));
  });
  return errs;
}

