/** One media range of an Accept header. */
interface MediaRange {
  type: string;
  subtype: string;
  params: Record<string, string>;
  q: number;
}

/** Parses an Accept header into media ranges, most preferred first (q, then the client's order). */
export function parseAccept(header: string | undefined): MediaRange[] {
  const ranges: MediaRange[] = [];
  for (const part of (header ?? '').split(',')) {
    const [mime, ...rawParams] = part.split(';').map((s) => s.trim());
    if (!mime) continue;
    const [type, subtype] = mime.toLowerCase().split('/');
    if (!type || !subtype) continue;
    // Header parameters are request data: a prototype-less map keeps any name as a plain key.
    const params = Object.create(null) as Record<string, string>;
    let q = 1;
    for (const p of rawParams) {
      const eq = p.indexOf('=');
      if (eq <= 0) continue;
      const key = p.slice(0, eq).trim().toLowerCase();
      const value = p.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
      if (key === 'q') q = Number.isFinite(Number(value)) ? Number(value) : 0;
      else params[key] = value;
    }
    if (q > 0) ranges.push({ type, subtype, params, q });
  }
  // Array.prototype.sort is stable, so equal q keeps the client's order.
  return ranges.sort((a, b) => b.q - a.q);
}

/** Matches plain JSON: application/json (without an `as=` transform), application/*, or * / *. */
export function acceptsPlainJSON(r: MediaRange): boolean {
  if (r.type === '*' && r.subtype === '*') return true;
  if (r.type !== 'application') return false;
  return r.subtype === '*' || (r.subtype === 'json' && !r.params.as);
}

type DiscoveryAnswer =
  | { form: 'aggregated'; version: 'v2' | 'v2beta1'; contentType: string }
  | { form: 'legacy'; contentType: 'application/json' };

/**
 * Which discovery document to answer /api or /apis with for an Accept header, and the exact
 * Content-Type: kubectl reads the body as aggregated only when the Content-Type says so.
 * Undefined means nothing acceptable was asked for (406).
 */
export function negotiateDiscovery(accept: string | undefined): DiscoveryAnswer | undefined {
  const ranges = parseAccept(accept);
  if (ranges.length === 0) return { form: 'legacy', contentType: 'application/json' };
  for (const r of ranges) {
    const p = r.params;
    if (r.type === 'application' && r.subtype === 'json' && p.as === 'APIGroupDiscoveryList' && p.g === 'apidiscovery.k8s.io' && (p.v === 'v2' || p.v === 'v2beta1')) {
      return { form: 'aggregated', version: p.v, contentType: `application/json;g=apidiscovery.k8s.io;v=${p.v};as=APIGroupDiscoveryList` };
    }
    if (acceptsPlainJSON(r)) return { form: 'legacy', contentType: 'application/json' };
  }
  return undefined;
}

/** The media types /openapi/v2 answers in, in the order upstream's handler tries them. */
const OPENAPI_V2_FORMS = [
  { subtype: 'json', form: 'json', contentType: 'application/json' },
  // kubectl asks for the @ spelling; the answer always names the dotted one.
  { subtype: 'com.github.proto-openapi.spec.v2@v1.0+protobuf', form: 'protobuf', contentType: 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf' },
  { subtype: 'com.github.proto-openapi.spec.v2.v1.0+protobuf', form: 'protobuf', contentType: 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf' },
] as const;

type OpenAPIv2Answer = (typeof OPENAPI_V2_FORMS)[number];

/**
 * Which form of the OpenAPI v2 document to answer with: JSON or gnostic protobuf. As upstream, a
 * missing Accept means any, the most preferred range that matches wins (specific ranges before
 * wildcards at equal q), and a wildcard matches JSON. Undefined means 406.
 */
export function negotiateOpenAPIv2(accept: string | undefined): OpenAPIv2Answer | undefined {
  const wildcards = (r: MediaRange) => (r.type === '*' ? 1 : 0) + (r.subtype === '*' ? 1 : 0);
  const ranges = accept?.trim() ? parseAccept(accept).sort((a, b) => b.q - a.q || wildcards(a) - wildcards(b)) : [{ type: '*', subtype: '*', params: {}, q: 1 }];
  for (const r of ranges) {
    if (r.type !== '*' && r.type !== 'application') continue;
    const match = OPENAPI_V2_FORMS.find((f) => r.subtype === '*' || r.subtype === f.subtype);
    if (match) return match;
  }
  return undefined;
}
