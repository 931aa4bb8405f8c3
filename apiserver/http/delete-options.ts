import { badRequest } from '../errors/status.js';
import { has, isObject, own, parseJSON, type JsonObject, type JsonValue } from '../patch/json-value.js';
import { dryRunOf } from './dry-run.js';

interface DeleteRequestOptions {
  dryRun: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
}

/** Go's type of each metav1.DeleteOptions field (and Preconditions' under `preconditions.`), as its decoder names them. */
const FIELD_TYPES: Readonly<Record<string, string>> = Object.assign(Object.create(null) as Record<string, string>, {
  kind: 'string',
  apiVersion: 'string',
  gracePeriodSeconds: 'int64',
  preconditions: 'v1.Preconditions',
  'preconditions.uid': 'types.UID',
  'preconditions.resourceVersion': 'string',
  orphanDependents: 'bool',
  propagationPolicy: 'v1.DeletionPropagation',
  dryRun: '[]string',
  ignoreStoreReadErrorWithClusterBreakingPotential: 'bool',
});

/**
 * metav1.DeleteOptions of a DELETE: from the body if there is one (the query is then ignored, as
 * upstream), else from the query; only preconditions and dryRun matter here. A body Go's decoder
 * would refuse (a field of the wrong type) is a 400 in its words, and nothing is deleted.
 */
export function deleteOptionsOf(body: Buffer, query: URLSearchParams): DeleteRequestOptions {
  if (body.length === 0) return { dryRun: dryRunOf(query.getAll('dryRun'), 'DeleteOptions') };
  let parsed: JsonValue;
  try {
    parsed = parseJSON(body.toString('utf8'));
  } catch {
    throw badRequest('the body of the request was in an unknown format');
  }
  if (!isObject(parsed)) throw badRequest(`json: cannot unmarshal ${goKind(parsed)} into Go value of type v1.DeleteOptions`);
  checkFields(parsed, 'DeleteOptions', '');
  const preconditions = own(parsed, 'preconditions');
  return {
    dryRun: dryRunOf((own(parsed, 'dryRun') ?? []) as string[], 'DeleteOptions'),
    preconditions: isObject(preconditions) ? { uid: own(preconditions, 'uid') as string | undefined, resourceVersion: own(preconditions, 'resourceVersion') as string | undefined } : undefined,
  };
}

function checkFields(obj: JsonObject, struct: string, prefix: string): void {
  for (const key of Object.keys(obj)) {
    const path = prefix + key;
    const type = has(FIELD_TYPES, path) ? FIELD_TYPES[path]! : undefined;
    const value = obj[key]!;
    // null leaves a Go field unset; unknown fields are dropped.
    if (type === undefined || value === null) continue;
    const refuse = (what: JsonValue, t: string) => badRequest(`json: cannot unmarshal ${goKind(what)} into Go struct field ${struct}.${path} of type ${t}`);
    if (type === 'v1.Preconditions') {
      if (!isObject(value)) throw refuse(value, type);
      checkFields(value, 'Preconditions', `${path}.`);
    } else if (type === '[]string') {
      if (!Array.isArray(value)) throw refuse(value, type);
      const bad = value.find((v) => typeof v !== 'string' && v !== null);
      if (bad !== undefined) throw refuse(bad, 'string');
    } else if (type === 'bool' ? typeof value !== 'boolean' : type === 'int64' ? !isInt64(value) : typeof value !== 'string') {
      throw refuse(value, type);
    }
  }
}

const isInt64 = (v: JsonValue): boolean => typeof v === 'number' && Number.isSafeInteger(v);

/** Go names a JSON value by its kind, and a number by its text. */
function goKind(v: JsonValue): string {
  if (typeof v === 'number') return `number ${v}`;
  if (typeof v === 'boolean') return 'bool';
  return Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v === 'string' ? 'string' : 'object';
}
