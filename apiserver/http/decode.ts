import type { KubeObject } from '../../shared/api/meta.js';
import { badRequest, unsupportedMediaType } from '../errors/status.js';
import type { ResourceInfo } from '../registry/strategy.js';

/** The media type of a Content-Type header, lowercased and without parameters. */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

/**
 * Decodes a request body into an object of the resource's kind, with kube-apiserver's 400
 * messages for bodies that are not one. apiVersion and kind may be omitted: the URL says them.
 */
export function decodeBody<T extends KubeObject>(body: Buffer, contentType: string | undefined, info: ResourceInfo): T {
  const type = mediaType(contentType);
  if (type !== 'application/json' && type !== '') throw unsupportedMediaType();
  const expected = info.group ? `${info.group}/${info.version}` : info.version;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw unrecognized(info, `couldn't get version/kind; json parse error: ${goJSONError(body, err)}`, body);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw unrecognized(info, `couldn't get version/kind; json parse error: json: cannot unmarshal ${goType(parsed)} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`, body);
  }
  const obj = parsed as T & { apiVersion?: unknown; kind?: unknown };
  if ((obj.kind !== undefined && obj.kind !== info.kind) || (obj.apiVersion !== undefined && obj.apiVersion !== expected)) {
    const kind = String(obj.kind ?? info.kind);
    const version = String(obj.apiVersion ?? expected);
    throw badRequest(`${kind} in version "${version.split('/').pop()}" cannot be handled as a ${info.kind}: no kind "${kind}" is registered for version "${version}" in scheme "pkg/api/legacyscheme/scheme.go:30"`);
  }
  if (obj.metadata !== undefined && (typeof obj.metadata !== 'object' || obj.metadata === null || Array.isArray(obj.metadata))) {
    throw badRequest(`${info.kind} in version "${info.version}" cannot be handled as a ${info.kind}: json: cannot unmarshal ${goType(obj.metadata)} into Go struct field ${info.kind}.metadata of type v1.ObjectMeta`);
  }
  obj.apiVersion = expected;
  obj.kind = info.kind;
  obj.metadata ??= {};
  return obj;
}

function unrecognized(info: ResourceInfo, message: string, body: Buffer) {
  return badRequest(`the object provided is unrecognized (must be of type ${info.kind}): ${message} (${summarize(body)})`);
}

/** apimachinery's summarizeData: JSON-looking bodies as text, anything else as hex, 30 bytes at most. */
function summarize(body: Buffer): string {
  if (body.length === 0) return '<empty>';
  const head = body.subarray(0, 30);
  const more = body.length > 30 ? ' ...' : '';
  return body[0] === 0x7b ? head.toString('utf8') + more : head.toString('hex') + more;
}

/** Go's encoding/json wording for the common syntax errors. */
function goJSONError(body: Buffer, err: unknown): string {
  const text = body.toString('utf8');
  const message = err instanceof Error ? err.message : '';
  if (text.trim() === '' || /end of (JSON )?input|Unterminated/i.test(message)) return 'unexpected end of JSON input';
  const m = /position (\d+)/.exec(message);
  const at = m ? Number(m[1]) : text.search(/\S/);
  const ch = text[at] ?? '';
  return `invalid character '${ch}' looking for beginning of value`;
}

function goType(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'object' : typeof value;
}
