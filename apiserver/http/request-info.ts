/**
 * What a URL asks for, as kube-apiserver's RequestInfoFactory reads it:
 * `/api/v1[/namespaces/{ns}]/{resource}[/{name}[/{subresource}]]` and the same under
 * `/apis/{group}/{version}`.
 */
export interface RequestInfo {
  group: string;
  version: string;
  namespace?: string;
  resource: string;
  name?: string;
  subresource?: string;
}

/** Resources whose objects are namespaces themselves: `/api/v1/namespaces/{name}/{sub}`. */
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

export function parseResourcePath(pathname: string): RequestInfo | undefined {
  const parts = pathname.split('/').filter((p) => p !== '').map(safeDecode);
  if (parts.some((p) => p === undefined)) return undefined;
  const segs = parts as string[];
  let group: string;
  let version: string;
  let rest: string[];
  if (segs[0] === 'api' && segs.length >= 2) {
    group = '';
    version = segs[1]!;
    rest = segs.slice(2);
  } else if (segs[0] === 'apis' && segs.length >= 3) {
    group = segs[1]!;
    version = segs[2]!;
    rest = segs.slice(3);
  } else {
    return undefined;
  }
  if (rest.length === 0) return undefined;
  // `namespaces/{ns}/{resource}...` addresses objects in a namespace, unless what follows the
  // namespace name is one of the Namespace's own subresources.
  if (rest[0] === 'namespaces' && rest.length >= 3 && !(rest.length === 3 && NAMESPACE_SUBRESOURCES.has(rest[2]!))) {
    const [, namespace, resource, name, subresource, ...extra] = rest;
    if (extra.length) return undefined;
    return { group, version, namespace, resource: resource!, name, subresource };
  }
  const [resource, name, subresource, ...extra] = rest;
  if (extra.length) return undefined;
  return { group, version, resource: resource!, name, subresource };
}

function safeDecode(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}
