import type { Status, StatusDetails } from '../../shared/api/meta.js';
import { aggregateMessage, errorBody, type FieldError } from './field.js';

/** An error that is answered with a Kubernetes Status, as apimachinery's StatusError. */
export class StatusError extends Error {
  constructor(readonly status: Status) {
    super(status.message);
  }
  get code(): number {
    return this.status.code;
  }
  get reason(): string | undefined {
    return this.status.reason;
  }
}

function failure(code: number, reason: string | undefined, message: string, details?: StatusDetails): StatusError {
  const status: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, code };
  if (reason) status.reason = reason;
  if (details) status.details = details;
  // Go's JSON key order is kind, apiVersion, metadata, status, message, reason, details, code.
  const { code: c, ...rest } = status;
  return new StatusError({ ...rest, code: c });
}

/** Identifies the resource in NotFound, AlreadyExists and Conflict errors. */
interface ResourceRef {
  group: string;
  resource: string;
}

function qualified(ref: ResourceRef): string {
  return ref.group ? `${ref.resource}.${ref.group}` : ref.resource;
}

function refDetails(ref: ResourceRef, name: string): StatusDetails {
  return ref.group ? { name, group: ref.group, kind: ref.resource } : { name, kind: ref.resource };
}

export const notFound = (ref: ResourceRef, name: string) =>
  failure(404, 'NotFound', `${qualified(ref)} "${name}" not found`, refDetails(ref, name));

export const alreadyExists = (ref: ResourceRef, name: string) =>
  failure(409, 'AlreadyExists', `${qualified(ref)} "${name}" already exists`, refDetails(ref, name));

export const conflict = (ref: ResourceRef, name: string, why = 'the object has been modified; please apply your changes to the latest version and try again') =>
  failure(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(ref)} "${name}": ${why}`, refDetails(ref, name));

/** 422 Invalid, for a kind (e.g. `Service`) in a group. */
export function invalidObject(group: string, kind: string, name: string, errors: readonly FieldError[]): StatusError {
  // Go's StatusDetails omits empty fields: a patch's Invalid names no kind and no object.
  const details: StatusDetails = {};
  if (name) details.name = name;
  if (group) details.group = group;
  if (kind) details.kind = kind;
  details.causes = errors.map((e) => ({ reason: e.type, message: errorBody(e), field: e.field }));
  // GroupKind.String(): `Kind.group`, or the bare kind in the core group.
  const qualifiedKind = group ? `${kind}.${group}` : kind;
  return failure(422, 'Invalid', `${qualifiedKind} "${name}" is invalid: ${aggregateMessage(errors)}`, details);
}

export const internalError = (message: string) =>
  failure(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] });

export const badRequest = (message: string) => failure(400, 'BadRequest', message);

export const forbidden = (ref: ResourceRef, name: string, why: string) =>
  failure(403, 'Forbidden', `${qualified(ref)} "${name}" is forbidden: ${why}`, refDetails(ref, name));

export const methodNotSupported = (ref: ResourceRef, action: string) =>
  failure(405, 'MethodNotAllowed', `${action} is not supported on resources of kind "${qualified(ref)}"`, refDetails(ref, ''));

export const unsupportedMediaType = () =>
  failure(
    415,
    'UnsupportedMediaType',
    'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf',
  );

export const entityTooLarge = () => failure(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728');

export const expired = (message: string) => failure(410, 'Expired', message);

export const serviceUnavailable = (message: string) => failure(503, 'ServiceUnavailable', message);

export const timeout = (message: string, retryAfterSeconds = 1) =>
  failure(504, 'Timeout', `Timeout: ${message}`, { retryAfterSeconds });

/** storage.NewTooLargeResourceVersionError: a resourceVersion the storage has not reached yet. */
export function tooLargeResourceVersion(requested: number, current: number, retryAfterSeconds = 0): StatusError {
  const causes = [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }];
  // Go omits a zero retryAfterSeconds.
  return failure(504, 'Timeout', `Timeout: Too large resource version: ${requested}, current: ${current}`, retryAfterSeconds ? { causes, retryAfterSeconds } : { causes });
}

export const notAcceptable = (message: string) => failure(406, 'NotAcceptable', message);
