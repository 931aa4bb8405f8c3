/**
 * Shape checks for input objects. Services and EndpointSlices come from etcd or from files
 * that anyone may have written; the model trusts types, so anything of the wrong shape is
 * rejected here, with a message, before it gets there. Missing optional fields are fine.
 */
type Check = (v: unknown, path: string) => string | undefined;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const optional =
  (check: Check): Check =>
  (v, path) =>
    v === undefined || v === null ? undefined : check(v, path);

const string: Check = (v, path) => (typeof v === 'string' ? undefined : `${path} must be a string`);
const integer: Check = (v, path) => (Number.isInteger(v) ? undefined : `${path} must be an integer`);
const boolean: Check = (v, path) => (typeof v === 'boolean' ? undefined : `${path} must be a boolean`);

const arrayOf =
  (item: Check): Check =>
  (v, path) => {
    if (!Array.isArray(v)) return `${path} must be an array`;
    for (let i = 0; i < v.length; i++) {
      const err = item(v[i], `${path}[${i}]`);
      if (err) return err;
    }
    return undefined;
  };

const objectOf =
  (fields: Record<string, Check>): Check =>
  (v, path) => {
    if (!isObject(v)) return `${path} must be an object`;
    for (const [name, check] of Object.entries(fields)) {
      const err = check(v[name], `${path}.${name}`);
      if (err) return err;
    }
    return undefined;
  };

const stringMap: Check = (v, path) => {
  if (!isObject(v)) return `${path} must be an object`;
  for (const [k, val] of Object.entries(v)) if (typeof val !== 'string') return `${path}.${k} must be a string`;
  return undefined;
};

const metadata = objectOf({ name: optional(string), namespace: optional(string), labels: optional(stringMap) });

const checkService = objectOf({
  metadata,
  spec: optional(
    objectOf({
      type: optional(string),
      clusterIP: optional(string),
      clusterIPs: optional(arrayOf(string)),
      ipFamilies: optional(arrayOf(string)),
      externalIPs: optional(arrayOf(string)),
      loadBalancerSourceRanges: optional(arrayOf(string)),
      externalTrafficPolicy: optional(string),
      internalTrafficPolicy: optional(string),
      healthCheckNodePort: optional(integer),
      sessionAffinity: optional(string),
      sessionAffinityConfig: optional(objectOf({ clientIP: optional(objectOf({ timeoutSeconds: optional(integer) })) })),
      ports: optional(
        arrayOf(objectOf({ name: optional(string), protocol: optional(string), port: optional(integer), nodePort: optional(integer) })),
      ),
    }),
  ),
  status: optional(
    objectOf({
      loadBalancer: optional(objectOf({ ingress: optional(arrayOf(objectOf({ ip: optional(string), ipMode: optional(string) }))) })),
    }),
  ),
});

const hints = optional(arrayOf(objectOf({ name: string })));

const checkEndpointSlice = objectOf({
  metadata,
  addressType: optional(string),
  endpoints: optional(
    arrayOf(
      objectOf({
        addresses: optional(arrayOf(string)),
        nodeName: optional(string),
        conditions: optional(objectOf({ ready: optional(boolean), serving: optional(boolean), terminating: optional(boolean) })),
        hints: optional(objectOf({ forZones: hints, forNodes: hints })),
      }),
    ),
  ),
  ports: optional(arrayOf(objectOf({ name: optional(string), protocol: optional(string), port: optional(integer) }))),
});

/** Why `obj` cannot be read as a Service, or undefined when it can. */
export function serviceShapeError(obj: unknown): string | undefined {
  return checkService(obj, 'Service');
}

/** Why `obj` cannot be read as an EndpointSlice, or undefined when it can. */
export function endpointSliceShapeError(obj: unknown): string | undefined {
  return checkEndpointSlice(obj, 'EndpointSlice');
}
