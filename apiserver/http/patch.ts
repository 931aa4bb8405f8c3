import type { KubeObject } from '../../shared/api/meta.js';
import { badRequest, invalidObject, StatusError } from '../errors/status.js';
import { invalid, required } from '../errors/field.js';
import { goQuote } from '../errors/go-format.js';
import { unknownFieldPaths, unknownFields } from '../openapi/strict-fields.js';
import { checkTypes } from '../openapi/type-check.js';
import { applyJSONPatch } from '../patch/json-patch.js';
import { applyMergePatch } from '../patch/merge-patch.js';
import { applyStrategicMergePatch } from '../patch/strategic-merge.js';
import { PATCH_SCHEMAS } from '../patch/strategic-schema.js';
import { parseYAMLValue } from '../patch/yaml-value.js';
import { goFormat, isObject, JSONSyntaxError, newObject, parseJSON, PatchError, stringify, type JsonObject, type JsonValue } from '../patch/json-value.js';
import { serverSideApply } from '../patch/apply.js';
import { nowTimestamp } from '../registry/object-meta.js';
import type { ResourceInfo } from '../registry/strategy.js';
import { mediaType, toObject, type FieldValidation, type ServedSchema } from './decode.js';

type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

const PATCH_TYPES: Record<string, PatchType> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
};

/** The patch type a Content-Type names, or upstream's 415. */
export function patchType(contentType: string | undefined): PatchType {
  const type = PATCH_TYPES[mediaType(contentType)];
  if (!type) {
    throw new StatusError({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: `the body of the request was in an unknown format - accepted media types include: ${Object.keys(PATCH_TYPES).join(', ')}`,
      reason: 'UnsupportedMediaType',
      code: 415,
    });
  }
  return type;
}

/**
 * Parses the patch document once, before any read: a malformed patch is a 400 either way. The
 * wording is upstream's per patch type: JSON and merge patches are decoded first by the strict
 * decoder under Warn and Strict ("error decoding patch: ..."), else by the json-patch library
 * (its bare error, or "Invalid JSON Patch" for a merge patch); strategic merge patches give the
 * decoder's bare error; apply patches "error decoding YAML: ...".
 */
export function parsePatch(type: PatchType, body: Buffer, query: URLSearchParams, validation: FieldValidation): JsonValue {
  if (type === 'apply' && !query.get('fieldManager')) {
    throw invalidObject('meta.k8s.io', 'PatchOptions', '', [required('fieldManager', 'is required for apply patch')]);
  }
  const text = body.toString('utf8');
  if (type === 'apply') {
    try {
      return parseYAMLValue(text);
    } catch (err) {
      throw badRequest(`error decoding YAML: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  try {
    return parseJSON(text);
  } catch (err) {
    if (!(err instanceof JSONSyntaxError)) throw err;
    if (validation !== 'Ignore' && type !== 'strategic') throw badRequest(`error decoding patch: ${err.message}`);
    throw badRequest(type === 'merge' ? 'Invalid JSON Patch' : err.message);
  }
}

/**
 * The object a patch makes of the current one (undefined, for server-side apply only: it does
 * not exist yet). Server-side apply records the applier's fields in managedFields; see apply.ts.
 */
function applyPatch(type: PatchType, patch: JsonValue, current: KubeObject | undefined, served: ServedSchema, manager: string, force: boolean): JsonValue {
  const { info } = served;
  try {
    const original = current as unknown as JsonObject | undefined;
    switch (type) {
      case 'json':
        return applyJSONPatch(original!, patch);
      case 'merge':
        return applyMergePatch(original!, patch);
      case 'strategic':
        return applyStrategicMergePatch(original!, patch, PATCH_SCHEMAS.get(info.kind)!);
      case 'apply': {
        if (!isObject(patch)) throw new PatchError(400, 'apply patch must be an object');
        const apiVersion = info.group ? `${info.group}/${info.version}` : info.version;
        return serverSideApply(served.schema, original, patch, manager, apiVersion, nowTimestamp(), force);
      }
    }
  } catch (err) {
    if (err instanceof PatchError) throw patchStatus(err);
    throw err;
  }
}

/**
 * The object a patch makes, decoded as upstream decodes it into the Go type: unknown fields are
 * dropped, and the field validation decides whether they are an error (Strict: 422 on the field
 * "patch"), warnings (Warn, returned) or nothing (Ignore). Type errors are 422s on "patch" too.
 * Server-side apply refuses unknown fields whatever the validation, as its typed conversion does.
 */
export function patchedObject<T extends KubeObject>(
  type: PatchType,
  patch: JsonValue,
  current: T | undefined,
  served: ServedSchema,
  validation: FieldValidation,
  manager: string,
  force = false,
): { obj: T; warnings: string[] } {
  const { info, schema: kind } = served;
  if (type === 'apply') {
    const undeclared = unknownFieldPaths(kind, patch);
    if (undeclared.length) throw typedPatchError(patch, info, undeclared);
  }
  const patched = applyPatch(type, patch, current, served, manager, force);
  // What the Invalid error shows: the patched JSON for JSON and merge patches, the patch for strategic ones.
  const shown = () => goQuote(type === 'json' || type === 'merge' ? stringify(patched) : goFormat(patch));
  const typeError = isObject(patched) ? checkTypes(kind, patched) : undefined;
  if (typeError) throw invalidObject('', '', '', [invalid('patch', shown(), typeError)]);
  const unknown = unknownFields(kind, patched);
  if (unknown.length) {
    if (validation === 'Strict') throw invalidObject('', '', '', [invalid('patch', shown(), `strict decoding error: ${unknown.join(', ')}`)]);
    unknownFields(kind, patched, { prune: true });
  }
  return { obj: toObject<T>(patched, served), warnings: validation === 'Warn' ? unknown : [] };
}

/**
 * structured-merge-diff's refusal of an applied configuration with fields the schema lacks, with
 * its text. kube-apiserver 1.33 passes it on as a 500; that is a known upstream bug (kubernetes
 * issue 139253, fixed by answering BadRequest), and no request may earn a 5xx here, so it is a 400.
 */
function typedPatchError(patch: JsonValue, info: ResourceInfo, undeclared: string[]): StatusError {
  const meta = isObject(patch) && isObject(patch.metadata) ? patch.metadata : newObject();
  const errors = undeclared.map((path) => `.${path}: field not declared in schema`);
  const listed = errors.length === 1 ? errors[0] : `errors:\n  ${errors.join('\n  ')}`;
  // Request data: a name that is no string (an object has no prototype to print it) shows as empty.
  const text = (v: JsonValue | undefined) => (typeof v === 'string' ? v : '');
  const message = `failed to create typed patch object (${text(meta.namespace)}/${text(meta.name)}; ${info.group}/${info.version}, Kind=${info.kind}): ${listed}`;
  return badRequest(message);
}

/**
 * How upstream's patch handler answers each kind of patch failure. A patch that cannot apply is
 * NewGenericServerResponse(422): a fixed message and empty details, so the reason is lost (kubectl
 * prints "The request is invalid: the server rejected our request ..."); errors it does not
 * classify reach kube-apiserver's clients as a bare 500 with the error text (kubernetes issue
 * 79210); here they are that text as a 400, since the patch itself is what is wrong.
 */
function patchStatus(err: PatchError): StatusError {
  const status = (code: number, message: string, extra: { reason?: string; details?: Record<string, never> } = {}) =>
    new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, ...extra, code });
  switch (err.code) {
    case 400:
      return badRequest(err.message);
    case 413:
      return status(413, `Request entity too large: ${err.message}`, { reason: 'RequestEntityTooLarge' });
    case 422:
      return status(422, 'the server rejected our request due to an error in our request', { reason: 'Invalid', details: {} });
  }
}
