import type { IncomingMessage, ServerResponse } from 'node:http';
import { invalid, type FieldError } from '../errors/field.js';
import { badRequest, invalidObject, methodNotSupported, unsupportedMediaType } from '../errors/status.js';
import { readBody } from '../http/body.js';
import { mediaType } from '../http/decode.js';
import { sendJSON } from '../http/respond.js';
import type { PathHandler } from '../http/server.js';
import { decodeEnvelope, decodeMessage, PROTOBUF_MEDIA_TYPE } from '../protobuf/decode.js';
import type { MessageSpec } from '../protobuf/messages.js';
import { WireReader } from '../protobuf/wire.js';
import { parseJSON } from '../patch/json-value.js';
import { SelfSubjectAccessReviewSpec, SelfSubjectRulesReviewSpec } from './messages.js';

const AUTHORIZATION_GROUP = 'authorization.k8s.io';
const API_VERSION = `${AUTHORIZATION_GROUP}/v1`;
const BASE = `/apis/${API_VERSION}`;

type Attributes = Record<string, unknown>;

/**
 * The two self reviews as kube-apiserver answers them with `--authorization-mode=AlwaysAllow`
 * (this server has no authentication or authorization, so that is the mode it behaves as):
 * every access is allowed, and the rules are upstream's alwaysAllowAuthorizer.RulesFor.
 * Reviews are not stored: each POST is answered and forgotten, with 201 as upstream.
 */
export function authorizationRoutes(): [string, PathHandler][] {
  return [
    [`${BASE}/selfsubjectaccessreviews`, review('selfsubjectaccessreviews', 'SelfSubjectAccessReview', SelfSubjectAccessReviewSpec, accessReview)],
    [`${BASE}/selfsubjectrulesreviews`, review('selfsubjectrulesreviews', 'SelfSubjectRulesReview', SelfSubjectRulesReviewSpec, rulesReview)],
  ];
}

function review(resource: string, kind: string, specMessage: MessageSpec, answer: (spec: Attributes) => object): PathHandler {
  const ref = { group: AUTHORIZATION_GROUP, resource };
  return async (req: IncomingMessage, res: ServerResponse) => {
    // A create-only resource: upstream's installer registers POST alone.
    if (req.method !== 'POST') throw methodNotSupported(ref, req.method === 'GET' ? 'list' : (req.method ?? '').toLowerCase());
    const spec = decodeSpec(await readBody(req), req.headers['content-type'], kind, specMessage);
    sendJSON(res, 201, { kind, apiVersion: API_VERSION, metadata: { creationTimestamp: null }, ...answer(spec) });
  };
}

/** SelfSubjectAccessReview: validated as upstream, then allowed. */
function accessReview(spec: Attributes): object {
  const resourceAttributes = pick(spec.resourceAttributes, ['namespace', 'verb', 'group', 'version', 'resource', 'subresource', 'name']);
  const nonResourceAttributes = pick(spec.nonResourceAttributes, ['path', 'verb']);
  const errors: FieldError[] = [];
  if (resourceAttributes && nonResourceAttributes) {
    errors.push(invalid('spec.nonResourceAttributes', goStruct(nonResourceAttributes), 'cannot be specified in combination with resourceAttributes'));
  }
  if (!resourceAttributes && !nonResourceAttributes) {
    errors.push(invalid('spec.resourceAttributes', '"null"', 'exactly one of nonResourceAttributes or resourceAttributes must be specified'));
  }
  if (errors.length) throw invalidObject(AUTHORIZATION_GROUP, 'SelfSubjectAccessReview', '', errors);
  const echoed: Attributes = {};
  if (resourceAttributes) echoed.resourceAttributes = resourceAttributes;
  if (nonResourceAttributes) echoed.nonResourceAttributes = nonResourceAttributes;
  return { spec: echoed, status: { allowed: true } };
}

/** SelfSubjectRulesReview: upstream answers with a fresh object, so the spec comes back empty. */
function rulesReview(spec: Attributes): object {
  if (typeof spec.namespace !== 'string' || spec.namespace === '') throw badRequest('no namespace on request');
  return {
    spec: {},
    status: {
      resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
      nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
      incomplete: false,
    },
  };
}

/** The review's spec from a JSON or protobuf body; only the spec matters to the answer. */
function decodeSpec(body: Buffer, contentType: string | undefined, kind: string, specMessage: MessageSpec): Attributes {
  const type = mediaType(contentType);
  const unhandled = (why: string) => badRequest(`${kind} in version "v1" cannot be handled as a ${kind}: ${why}`);
  if (type === PROTOBUF_MEDIA_TYPE) {
    try {
      const env = decodeEnvelope(body);
      if (env.kind && env.kind !== kind) throw new Error(`no kind "${env.kind}" is registered for version "${env.apiVersion}"`);
      const r = new WireReader(env.raw);
      // The review message: metadata (1), spec (2), status (3); only the spec is read.
      let spec: Attributes = {};
      while (!r.done) {
        const { field, wire } = r.key();
        if (field === 2 && wire === 2) spec = decodeMessage(specMessage, new WireReader(r.bytes()));
        else r.skip(wire);
      }
      return spec;
    } catch (err) {
      throw unhandled((err as Error).message);
    }
  }
  if (type !== 'application/json' && type !== '') throw unsupportedMediaType();
  let parsed: unknown;
  try {
    parsed = parseJSON(body.toString('utf8'));
  } catch (err) {
    throw badRequest(`the object provided is unrecognized (must be of type ${kind}): couldn't get version/kind; json parse error: ${(err as Error).message}`);
  }
  if (!isObject(parsed)) throw badRequest(`the object provided is unrecognized (must be of type ${kind}): couldn't get version/kind; json parse error: json: cannot unmarshal ${Array.isArray(parsed) ? 'array' : typeof parsed} into Go value of type struct`);
  if ((parsed.kind !== undefined && parsed.kind !== kind) || (parsed.apiVersion !== undefined && parsed.apiVersion !== API_VERSION)) {
    throw unhandled(`no kind "${String(parsed.kind ?? kind)}" is registered for version "${String(parsed.apiVersion ?? API_VERSION)}" in scheme "pkg/api/legacyscheme/scheme.go:30"`);
  }
  return isObject(parsed.spec) ? parsed.spec : {};
}

/** The string fields of an attributes struct, in Go field order, empty ones dropped (omitempty); undefined for a nil pointer. */
function pick(value: unknown, fields: readonly string[]): Attributes | undefined {
  if (!isObject(value)) return undefined;
  const out: Attributes = {};
  for (const f of fields) {
    const v = Object.prototype.hasOwnProperty.call(value, f) ? value[f] : undefined;
    if (typeof v === 'string' && v !== '') out[f] = v;
  }
  return out;
}

/** A small attributes struct as field.Invalid prints it (%v of a struct): `{path verb}`. */
function goStruct(attrs: Attributes): string {
  return `{${[attrs.path ?? '', attrs.verb ?? ''].join(' ')}}`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
