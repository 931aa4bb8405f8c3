/**
 * The protobuf messages of the self reviews' specs (k8s.io/api/authorization/v1 generated.proto,
 * v1.33), with Go's json tags: every string is omitempty, the attribute structs are pointers.
 */
import type { FieldSpec, MessageSpec } from '../protobuf/messages.js';

function message(name: string, fields: FieldSpec[]): MessageSpec {
  return { name, fields, byNumber: new Map(fields.map((f) => [f.no, f])) };
}

const str = (no: number, json: string): FieldSpec => ({ no, json, kind: 'string', emit: 'omitempty' });

// The selector attributes (fields 8 and 9) only narrow an access; AlwaysAllow ignores them.
const ResourceAttributes = message('ResourceAttributes', [
  str(1, 'namespace'),
  str(2, 'verb'),
  str(3, 'group'),
  str(4, 'version'),
  str(5, 'resource'),
  str(6, 'subresource'),
  str(7, 'name'),
]);

const NonResourceAttributes = message('NonResourceAttributes', [str(1, 'path'), str(2, 'verb')]);

export const SelfSubjectAccessReviewSpec = message('SelfSubjectAccessReviewSpec', [
  { no: 1, json: 'resourceAttributes', kind: 'message', emit: 'pointer', message: () => ResourceAttributes },
  { no: 2, json: 'nonResourceAttributes', kind: 'message', emit: 'pointer', message: () => NonResourceAttributes },
]);

export const SelfSubjectRulesReviewSpec = message('SelfSubjectRulesReviewSpec', [str(1, 'namespace')]);
