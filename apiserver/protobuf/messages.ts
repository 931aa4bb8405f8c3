/**
 * The protobuf messages this server accepts, with their field numbers (kubernetes/api and
 * apimachinery generated.proto, v1.33) and how each field reaches JSON. Fields are listed in Go
 * struct order, so the decoded object has the key order `json.Marshal` would give.
 */

/** How a decoded field appears in the JSON object, following the Go type and json tag. */
type Emit =
  /** `omitempty` on a value type: absent when it is the zero value ("" / 0 / false / empty). */
  | 'omitempty'
  /** A pointer (or a struct, which omitempty never drops): present whenever the wire carried it. */
  | 'pointer'
  /** No omitempty: always present, with the zero value (or null for a list) when not sent. */
  | 'always'
  /** A non-pointer struct: always present, `{}` when not sent. */
  | 'struct';

type FieldKind = 'string' | 'int32' | 'int64' | 'bool' | 'message' | 'stringMap' | 'time' | 'intOrString';

export interface FieldSpec {
  no: number;
  json: string;
  kind: FieldKind;
  emit: Emit;
  repeated?: boolean;
  message?: () => MessageSpec;
}

export interface MessageSpec {
  name: string;
  fields: readonly FieldSpec[];
  /** Field number -> spec, built once. */
  byNumber: ReadonlyMap<number, FieldSpec>;
}

function message(name: string, fields: FieldSpec[]): MessageSpec {
  return { name, fields, byNumber: new Map(fields.map((f) => [f.no, f])) };
}

const str = (no: number, json: string, emit: Emit = 'omitempty'): FieldSpec => ({ no, json, kind: 'string', emit });
const strs = (no: number, json: string, emit: Emit = 'omitempty'): FieldSpec => ({ no, json, kind: 'string', emit, repeated: true });
const i32 = (no: number, json: string, emit: Emit = 'omitempty'): FieldSpec => ({ no, json, kind: 'int32', emit });
const i64 = (no: number, json: string, emit: Emit = 'omitempty'): FieldSpec => ({ no, json, kind: 'int64', emit });
const bool = (no: number, json: string, emit: Emit = 'omitempty'): FieldSpec => ({ no, json, kind: 'bool', emit });
const map = (no: number, json: string): FieldSpec => ({ no, json, kind: 'stringMap', emit: 'omitempty' });
const time = (no: number, json: string): FieldSpec => ({ no, json, kind: 'time', emit: 'pointer' });
const msg = (no: number, json: string, spec: () => MessageSpec, emit: Emit): FieldSpec => ({ no, json, kind: 'message', emit, message: spec });
const msgs = (no: number, json: string, spec: () => MessageSpec, emit: Emit = 'omitempty'): FieldSpec => ({
  no,
  json,
  kind: 'message',
  emit,
  message: spec,
  repeated: true,
});

// k8s.io.apimachinery.pkg.apis.meta.v1

const OwnerReference = message('OwnerReference', [
  str(5, 'apiVersion', 'always'),
  str(1, 'kind', 'always'),
  str(3, 'name', 'always'),
  str(4, 'uid', 'always'),
  bool(6, 'controller', 'pointer'),
  bool(7, 'blockOwnerDeletion', 'pointer'),
]);

// fieldsV1 is opaque JSON in a bytes field; the server drops managedFields sent by clients anyway.
const ManagedFieldsEntry = message('ManagedFieldsEntry', [
  str(1, 'manager'),
  str(2, 'operation'),
  str(3, 'apiVersion'),
  time(4, 'time'),
  str(6, 'fieldsType'),
  str(8, 'subresource'),
]);

const ObjectMeta = message('ObjectMeta', [
  str(1, 'name'),
  str(2, 'generateName'),
  str(3, 'namespace'),
  str(4, 'selfLink'),
  str(5, 'uid'),
  str(6, 'resourceVersion'),
  i64(7, 'generation'),
  time(8, 'creationTimestamp'),
  time(9, 'deletionTimestamp'),
  i64(10, 'deletionGracePeriodSeconds', 'pointer'),
  map(11, 'labels'),
  map(12, 'annotations'),
  msgs(13, 'ownerReferences', () => OwnerReference),
  strs(14, 'finalizers'),
  msgs(17, 'managedFields', () => ManagedFieldsEntry),
]);

const Condition = message('Condition', [
  str(1, 'type', 'always'),
  str(2, 'status', 'always'),
  i64(3, 'observedGeneration'),
  time(4, 'lastTransitionTime'),
  str(5, 'reason', 'always'),
  str(6, 'message', 'always'),
]);

// k8s.io.api.core.v1

const ObjectReference = message('ObjectReference', [
  str(1, 'kind'),
  str(2, 'namespace'),
  str(3, 'name'),
  str(4, 'uid'),
  str(5, 'apiVersion'),
  str(6, 'resourceVersion'),
  str(7, 'fieldPath'),
]);

const ServicePort = message('ServicePort', [
  str(1, 'name'),
  str(2, 'protocol'),
  str(6, 'appProtocol', 'pointer'),
  i32(3, 'port', 'always'),
  { no: 4, json: 'targetPort', kind: 'intOrString', emit: 'omitempty' },
  i32(5, 'nodePort'),
]);

const ClientIPConfig = message('ClientIPConfig', [i32(1, 'timeoutSeconds', 'pointer')]);
const SessionAffinityConfig = message('SessionAffinityConfig', [msg(1, 'clientIP', () => ClientIPConfig, 'pointer')]);

const ServiceSpec = message('ServiceSpec', [
  msgs(1, 'ports', () => ServicePort),
  map(2, 'selector'),
  str(3, 'clusterIP'),
  strs(18, 'clusterIPs'),
  str(4, 'type'),
  strs(5, 'externalIPs'),
  str(7, 'sessionAffinity'),
  str(8, 'loadBalancerIP'),
  strs(9, 'loadBalancerSourceRanges'),
  str(10, 'externalName'),
  str(11, 'externalTrafficPolicy'),
  i32(12, 'healthCheckNodePort'),
  bool(13, 'publishNotReadyAddresses'),
  msg(14, 'sessionAffinityConfig', () => SessionAffinityConfig, 'pointer'),
  strs(19, 'ipFamilies'),
  str(17, 'ipFamilyPolicy', 'pointer'),
  bool(20, 'allocateLoadBalancerNodePorts', 'pointer'),
  str(21, 'loadBalancerClass', 'pointer'),
  str(22, 'internalTrafficPolicy', 'pointer'),
  str(23, 'trafficDistribution', 'pointer'),
]);

const PortStatus = message('PortStatus', [i32(1, 'port', 'always'), str(2, 'protocol', 'always'), str(3, 'error', 'pointer')]);

const LoadBalancerIngress = message('LoadBalancerIngress', [
  str(1, 'ip'),
  str(2, 'hostname'),
  str(3, 'ipMode', 'pointer'),
  msgs(4, 'ports', () => PortStatus),
]);

const LoadBalancerStatus = message('LoadBalancerStatus', [msgs(1, 'ingress', () => LoadBalancerIngress)]);

const ServiceStatus = message('ServiceStatus', [
  msg(1, 'loadBalancer', () => LoadBalancerStatus, 'struct'),
  msgs(2, 'conditions', () => Condition),
]);

const Service = message('Service', [
  msg(1, 'metadata', () => ObjectMeta, 'struct'),
  msg(2, 'spec', () => ServiceSpec, 'struct'),
  msg(3, 'status', () => ServiceStatus, 'struct'),
]);

const NamespaceCondition = message('NamespaceCondition', [
  str(1, 'type', 'always'),
  str(2, 'status', 'always'),
  time(4, 'lastTransitionTime'),
  str(5, 'reason'),
  str(6, 'message'),
]);

const NamespaceSpec = message('NamespaceSpec', [strs(1, 'finalizers')]);
const NamespaceStatus = message('NamespaceStatus', [str(1, 'phase'), msgs(2, 'conditions', () => NamespaceCondition)]);

const Namespace = message('Namespace', [
  msg(1, 'metadata', () => ObjectMeta, 'struct'),
  msg(2, 'spec', () => NamespaceSpec, 'struct'),
  msg(3, 'status', () => NamespaceStatus, 'struct'),
]);

const EndpointAddress = message('EndpointAddress', [
  str(1, 'ip', 'always'),
  str(3, 'hostname'),
  str(4, 'nodeName', 'pointer'),
  msg(2, 'targetRef', () => ObjectReference, 'pointer'),
]);

const EndpointPort = message('EndpointPort', [
  str(1, 'name'),
  i32(2, 'port', 'always'),
  str(3, 'protocol'),
  str(4, 'appProtocol', 'pointer'),
]);

const EndpointSubset = message('EndpointSubset', [
  msgs(1, 'addresses', () => EndpointAddress),
  msgs(2, 'notReadyAddresses', () => EndpointAddress),
  msgs(3, 'ports', () => EndpointPort),
]);

const Endpoints = message('Endpoints', [msg(1, 'metadata', () => ObjectMeta, 'struct'), msgs(2, 'subsets', () => EndpointSubset)]);

// k8s.io.api.discovery.v1

const named = (name: string) => message(name, [str(1, 'name', 'always')]);
const ForZone = named('ForZone');
const ForNode = named('ForNode');

const EndpointHints = message('EndpointHints', [msgs(1, 'forZones', () => ForZone), msgs(2, 'forNodes', () => ForNode)]);

const EndpointConditions = message('EndpointConditions', [
  bool(1, 'ready', 'pointer'),
  bool(2, 'serving', 'pointer'),
  bool(3, 'terminating', 'pointer'),
]);

const Endpoint = message('Endpoint', [
  strs(1, 'addresses', 'always'),
  msg(2, 'conditions', () => EndpointConditions, 'struct'),
  str(3, 'hostname', 'pointer'),
  msg(4, 'targetRef', () => ObjectReference, 'pointer'),
  map(5, 'deprecatedTopology'),
  str(6, 'nodeName', 'pointer'),
  str(7, 'zone', 'pointer'),
  msg(8, 'hints', () => EndpointHints, 'pointer'),
]);

const EndpointSlicePort = message('EndpointPort', [
  str(1, 'name', 'pointer'),
  str(2, 'protocol', 'pointer'),
  i32(3, 'port', 'pointer'),
  str(4, 'appProtocol', 'pointer'),
]);

const EndpointSlice = message('EndpointSlice', [
  msg(1, 'metadata', () => ObjectMeta, 'struct'),
  str(4, 'addressType', 'always'),
  msgs(2, 'endpoints', () => Endpoint, 'always'),
  msgs(3, 'ports', () => EndpointSlicePort, 'always'),
]);

// k8s.io.api.networking.v1

const ParentReference = message('ParentReference', [str(1, 'group'), str(2, 'resource'), str(3, 'namespace'), str(4, 'name')]);
const IPAddressSpec = message('IPAddressSpec', [msg(1, 'parentRef', () => ParentReference, 'pointer')]);
const IPAddress = message('IPAddress', [msg(1, 'metadata', () => ObjectMeta, 'struct'), msg(2, 'spec', () => IPAddressSpec, 'struct')]);

const ServiceCIDRSpec = message('ServiceCIDRSpec', [strs(1, 'cidrs')]);
const ServiceCIDRStatus = message('ServiceCIDRStatus', [msgs(1, 'conditions', () => Condition)]);
const ServiceCIDR = message('ServiceCIDR', [
  msg(1, 'metadata', () => ObjectMeta, 'struct'),
  msg(2, 'spec', () => ServiceCIDRSpec, 'struct'),
  msg(3, 'status', () => ServiceCIDRStatus, 'struct'),
]);

/** The top-level kinds a protobuf body may carry, by `apiVersion/kind`. */
export const TOP_LEVEL: ReadonlyMap<string, MessageSpec> = new Map([
  ['v1/Service', Service],
  ['v1/Namespace', Namespace],
  ['v1/Endpoints', Endpoints],
  ['discovery.k8s.io/v1/EndpointSlice', EndpointSlice],
  ['networking.k8s.io/v1/IPAddress', IPAddress],
  ['networking.k8s.io/v1/ServiceCIDR', ServiceCIDR],
]);
