/**
 * The shape of the served types, as the OpenAPI components upstream publishes for them (v1.33):
 * property types and formats, references, required fields and the list/map/patch extensions.
 * Descriptions and enum values are not here: they are filled in from the field docs package.
 */

export type Prop =
  | { t: 'string' | 'boolean' | 'int32' | 'int64' }
  /** A reference; `struct` marks a non-pointer struct, which upstream gives `default: {}`. */
  | { t: 'ref'; ref: string; struct?: boolean }
  | { t: 'array'; items: Prop; list?: 'atomic' | 'set' | 'map'; mapKeys?: string[]; mergeKey?: string; strategy?: string }
  | { t: 'map'; atomic?: boolean };

export interface ComponentDef {
  /** The field docs entry that documents this type. */
  doc: string;
  /**
   * Leaf types (IntOrString, Time, FieldsV1, Patch) carry their own type instead of properties.
   * `oneOf` replaces `type` in OpenAPI v3, as upstream's OpenAPIV3OneOfTypes does.
   */
  leaf?: { type: string; format?: string; oneOf?: string[] };
  props?: Record<string, Prop>;
  required?: string[];
  gvk?: { group: string; kind: string; version: string };
  atomic?: boolean;
}

const str: Prop = { t: 'string' };
const bool: Prop = { t: 'boolean' };
const i32: Prop = { t: 'int32' };
const i64: Prop = { t: 'int64' };
const ref = (name: string): Prop => ({ t: 'ref', ref: name });
const struct = (name: string): Prop => ({ t: 'ref', ref: name, struct: true });
const atomicList = (items: Prop): Prop => ({ t: 'array', items, list: 'atomic' });
const setList = (items: Prop): Prop => ({ t: 'array', items, list: 'set' });
const mapList = (items: Prop, keys: string[], mergeKey?: string): Prop =>
  mergeKey ? { t: 'array', items, list: 'map', mapKeys: keys, mergeKey, strategy: 'merge' } : { t: 'array', items, list: 'map', mapKeys: keys };
const stringMap: Prop = { t: 'map' };

export const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
export const CORE = 'io.k8s.api.core.v1';
export const DISCOVERY = 'io.k8s.api.discovery.v1';
const NETWORKING = 'io.k8s.api.networking.v1';
const EVENTS = 'io.k8s.api.events.v1';
export const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';

const typeMeta = { apiVersion: str, kind: str };

export const COMPONENTS: Record<string, ComponentDef> = {
  // v3 gives IntOrString no `type`, only oneOf, so kubectl explain names it <IntOrString>; v2 calls it a string.
  [INT_OR_STRING]: { doc: 'IntOrString', leaf: { type: 'string', format: 'int-or-string', oneOf: ['integer', 'string'] } },
  [`${META}.Time`]: { doc: 'Time', leaf: { type: 'string', format: 'date-time' } },
  [`${META}.MicroTime`]: { doc: 'MicroTime', leaf: { type: 'string', format: 'date-time' } },
  [`${META}.FieldsV1`]: { doc: 'FieldsV1', leaf: { type: 'object' } },
  [`${META}.Patch`]: { doc: 'Patch', leaf: { type: 'object' } },
  [`${META}.ObjectMeta`]: {
    doc: 'ObjectMeta',
    props: {
      annotations: stringMap,
      creationTimestamp: ref(`${META}.Time`),
      deletionGracePeriodSeconds: i64,
      deletionTimestamp: ref(`${META}.Time`),
      finalizers: { t: 'array', items: str, list: 'set', strategy: 'merge' },
      generateName: str,
      generation: i64,
      labels: stringMap,
      managedFields: atomicList(struct(`${META}.ManagedFieldsEntry`)),
      name: str,
      namespace: str,
      ownerReferences: mapList(struct(`${META}.OwnerReference`), ['uid'], 'uid'),
      resourceVersion: str,
      selfLink: str,
      uid: str,
    },
  },
  [`${META}.OwnerReference`]: {
    doc: 'OwnerReference',
    props: { apiVersion: str, blockOwnerDeletion: bool, controller: bool, kind: str, name: str, uid: str },
    required: ['apiVersion', 'kind', 'name', 'uid'],
    atomic: true,
  },
  [`${META}.ManagedFieldsEntry`]: {
    doc: 'ManagedFieldsEntry',
    props: { apiVersion: str, fieldsType: str, fieldsV1: ref(`${META}.FieldsV1`), manager: str, operation: str, subresource: str, time: ref(`${META}.Time`) },
  },
  [`${META}.Condition`]: {
    doc: 'Condition',
    props: { lastTransitionTime: ref(`${META}.Time`), message: str, observedGeneration: i64, reason: str, status: str, type: str },
    required: ['type', 'status', 'lastTransitionTime', 'reason', 'message'],
  },
  [`${CORE}.ObjectReference`]: {
    doc: 'ObjectReference',
    props: { apiVersion: str, fieldPath: str, kind: str, name: str, namespace: str, resourceVersion: str, uid: str },
    atomic: true,
  },

  [`${CORE}.Service`]: {
    doc: 'Service',
    props: { ...typeMeta, metadata: struct(`${META}.ObjectMeta`), spec: struct(`${CORE}.ServiceSpec`), status: struct(`${CORE}.ServiceStatus`) },
    gvk: { group: '', kind: 'Service', version: 'v1' },
  },
  [`${CORE}.ServiceSpec`]: {
    doc: 'ServiceSpec',
    props: {
      allocateLoadBalancerNodePorts: bool,
      clusterIP: str,
      clusterIPs: atomicList(str),
      externalIPs: atomicList(str),
      externalName: str,
      externalTrafficPolicy: str,
      healthCheckNodePort: i32,
      internalTrafficPolicy: str,
      ipFamilies: atomicList(str),
      ipFamilyPolicy: str,
      loadBalancerClass: str,
      loadBalancerIP: str,
      loadBalancerSourceRanges: atomicList(str),
      ports: mapList(struct(`${CORE}.ServicePort`), ['port', 'protocol'], 'port'),
      publishNotReadyAddresses: bool,
      selector: { t: 'map', atomic: true },
      sessionAffinity: str,
      sessionAffinityConfig: ref(`${CORE}.SessionAffinityConfig`),
      trafficDistribution: str,
      type: str,
    },
  },
  [`${CORE}.ServicePort`]: {
    doc: 'ServicePort',
    props: { appProtocol: str, name: str, nodePort: i32, port: i32, protocol: str, targetPort: ref(INT_OR_STRING) },
    required: ['port'],
  },
  [`${CORE}.SessionAffinityConfig`]: { doc: 'SessionAffinityConfig', props: { clientIP: ref(`${CORE}.ClientIPConfig`) } },
  [`${CORE}.ClientIPConfig`]: { doc: 'ClientIPConfig', props: { timeoutSeconds: i32 } },
  [`${CORE}.ServiceStatus`]: {
    doc: 'ServiceStatus',
    props: { conditions: mapList(struct(`${META}.Condition`), ['type'], 'type'), loadBalancer: struct(`${CORE}.LoadBalancerStatus`) },
  },
  [`${CORE}.LoadBalancerStatus`]: { doc: 'LoadBalancerStatus', props: { ingress: atomicList(struct(`${CORE}.LoadBalancerIngress`)) } },
  [`${CORE}.LoadBalancerIngress`]: {
    doc: 'LoadBalancerIngress',
    props: { hostname: str, ip: str, ipMode: str, ports: atomicList(struct(`${CORE}.PortStatus`)) },
  },
  [`${CORE}.PortStatus`]: { doc: 'PortStatus', props: { error: str, port: i32, protocol: str }, required: ['port', 'protocol'] },

  [`${CORE}.Namespace`]: {
    doc: 'Namespace',
    props: { ...typeMeta, metadata: struct(`${META}.ObjectMeta`), spec: struct(`${CORE}.NamespaceSpec`), status: struct(`${CORE}.NamespaceStatus`) },
    gvk: { group: '', kind: 'Namespace', version: 'v1' },
  },
  [`${CORE}.NamespaceSpec`]: { doc: 'NamespaceSpec', props: { finalizers: atomicList(str) } },
  [`${CORE}.NamespaceStatus`]: {
    doc: 'NamespaceStatus',
    props: { conditions: mapList(struct(`${CORE}.NamespaceCondition`), ['type'], 'type'), phase: str },
  },
  [`${CORE}.NamespaceCondition`]: {
    doc: 'NamespaceCondition',
    props: { lastTransitionTime: ref(`${META}.Time`), message: str, reason: str, status: str, type: str },
    required: ['type', 'status'],
  },

  [`${CORE}.Endpoints`]: {
    doc: 'Endpoints',
    props: { ...typeMeta, metadata: struct(`${META}.ObjectMeta`), subsets: atomicList(struct(`${CORE}.EndpointSubset`)) },
    gvk: { group: '', kind: 'Endpoints', version: 'v1' },
  },
  [`${CORE}.EndpointSubset`]: {
    doc: 'EndpointSubset',
    props: {
      addresses: atomicList(struct(`${CORE}.EndpointAddress`)),
      notReadyAddresses: atomicList(struct(`${CORE}.EndpointAddress`)),
      ports: atomicList(struct(`${CORE}.EndpointPort`)),
    },
  },
  [`${CORE}.EndpointAddress`]: {
    doc: 'EndpointAddress',
    props: { hostname: str, ip: str, nodeName: str, targetRef: ref(`${CORE}.ObjectReference`) },
    required: ['ip'],
    atomic: true,
  },
  [`${CORE}.EndpointPort`]: { doc: 'core.EndpointPort', props: { appProtocol: str, name: str, port: i32, protocol: str }, required: ['port'], atomic: true },

  [`${DISCOVERY}.EndpointSlice`]: {
    doc: 'EndpointSlice',
    props: {
      ...typeMeta,
      addressType: str,
      endpoints: atomicList(struct(`${DISCOVERY}.Endpoint`)),
      metadata: struct(`${META}.ObjectMeta`),
      ports: atomicList(struct(`${DISCOVERY}.EndpointPort`)),
    },
    required: ['addressType', 'endpoints'],
    gvk: { group: 'discovery.k8s.io', kind: 'EndpointSlice', version: 'v1' },
  },
  [`${DISCOVERY}.Endpoint`]: {
    doc: 'Endpoint',
    props: {
      addresses: setList(str),
      conditions: struct(`${DISCOVERY}.EndpointConditions`),
      deprecatedTopology: stringMap,
      hints: ref(`${DISCOVERY}.EndpointHints`),
      hostname: str,
      nodeName: str,
      targetRef: ref(`${CORE}.ObjectReference`),
      zone: str,
    },
    required: ['addresses'],
  },
  [`${DISCOVERY}.EndpointConditions`]: { doc: 'EndpointConditions', props: { ready: bool, serving: bool, terminating: bool } },
  [`${DISCOVERY}.EndpointHints`]: {
    doc: 'EndpointHints',
    props: { forNodes: atomicList(struct(`${DISCOVERY}.ForNode`)), forZones: atomicList(struct(`${DISCOVERY}.ForZone`)) },
  },
  [`${DISCOVERY}.ForZone`]: { doc: 'ForZone', props: { name: str }, required: ['name'] },
  [`${DISCOVERY}.ForNode`]: { doc: 'ForNode', props: { name: str }, required: ['name'] },
  [`${DISCOVERY}.EndpointPort`]: { doc: 'discovery.EndpointPort', props: { appProtocol: str, name: str, port: i32, protocol: str }, atomic: true },

  [`${NETWORKING}.IPAddress`]: {
    doc: 'IPAddress',
    props: { ...typeMeta, metadata: struct(`${META}.ObjectMeta`), spec: struct(`${NETWORKING}.IPAddressSpec`) },
    gvk: { group: 'networking.k8s.io', kind: 'IPAddress', version: 'v1' },
  },
  [`${NETWORKING}.IPAddressSpec`]: { doc: 'IPAddressSpec', props: { parentRef: ref(`${NETWORKING}.ParentReference`) }, required: ['parentRef'] },
  [`${NETWORKING}.ParentReference`]: { doc: 'ParentReference', props: { group: str, name: str, namespace: str, resource: str }, required: ['resource', 'name'] },
  [`${NETWORKING}.ServiceCIDR`]: {
    doc: 'ServiceCIDR',
    props: { ...typeMeta, metadata: struct(`${META}.ObjectMeta`), spec: struct(`${NETWORKING}.ServiceCIDRSpec`), status: struct(`${NETWORKING}.ServiceCIDRStatus`) },
    gvk: { group: 'networking.k8s.io', kind: 'ServiceCIDR', version: 'v1' },
  },
  [`${NETWORKING}.ServiceCIDRSpec`]: { doc: 'ServiceCIDRSpec', props: { cidrs: atomicList(str) } },
  [`${NETWORKING}.ServiceCIDRStatus`]: { doc: 'ServiceCIDRStatus', props: { conditions: mapList(struct(`${META}.Condition`), ['type'], 'type') } },

  [`${CORE}.Event`]: {
    doc: 'Event',
    props: {
      action: str,
      ...typeMeta,
      count: i32,
      eventTime: struct(`${META}.MicroTime`),
      firstTimestamp: struct(`${META}.Time`),
      involvedObject: struct(`${CORE}.ObjectReference`),
      lastTimestamp: struct(`${META}.Time`),
      message: str,
      metadata: struct(`${META}.ObjectMeta`),
      reason: str,
      related: ref(`${CORE}.ObjectReference`),
      reportingComponent: str,
      reportingInstance: str,
      series: ref(`${CORE}.EventSeries`),
      source: struct(`${CORE}.EventSource`),
      type: str,
    },
    required: ['metadata', 'involvedObject'],
    gvk: { group: '', kind: 'Event', version: 'v1' },
  },
  [`${CORE}.EventSource`]: { doc: 'EventSource', props: { component: str, host: str } },
  [`${CORE}.EventSeries`]: { doc: 'core.EventSeries', props: { count: i32, lastObservedTime: struct(`${META}.MicroTime`) } },
  [`${EVENTS}.Event`]: {
    doc: 'events.Event',
    props: {
      action: str,
      ...typeMeta,
      deprecatedCount: i32,
      deprecatedFirstTimestamp: struct(`${META}.Time`),
      deprecatedLastTimestamp: struct(`${META}.Time`),
      deprecatedSource: struct(`${CORE}.EventSource`),
      eventTime: struct(`${META}.MicroTime`),
      metadata: struct(`${META}.ObjectMeta`),
      note: str,
      reason: str,
      regarding: struct(`${CORE}.ObjectReference`),
      related: ref(`${CORE}.ObjectReference`),
      reportingController: str,
      reportingInstance: str,
      series: ref(`${EVENTS}.EventSeries`),
      type: str,
    },
    required: ['eventTime'],
    gvk: { group: 'events.k8s.io', kind: 'Event', version: 'v1' },
  },
  [`${EVENTS}.EventSeries`]: {
    doc: 'events.EventSeries',
    props: { count: i32, lastObservedTime: struct(`${META}.MicroTime`) },
    required: ['count', 'lastObservedTime'],
  },
};

/** The top-level kinds, by `kind`, with their component names. */
export const KIND_COMPONENTS = {
  Service: `${CORE}.Service`,
  Namespace: `${CORE}.Namespace`,
  Endpoints: `${CORE}.Endpoints`,
  EndpointSlice: `${DISCOVERY}.EndpointSlice`,
  IPAddress: `${NETWORKING}.IPAddress`,
  ServiceCIDR: `${NETWORKING}.ServiceCIDR`,
  Event: `${CORE}.Event`,
  'events.Event': `${EVENTS}.Event`,
} as const;

export type ServedKind = keyof typeof KIND_COMPONENTS;
