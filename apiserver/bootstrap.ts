import type { Etcd3 } from 'etcd3';
import type { Endpoints, Namespace, Service } from '../shared/api/core.js';
import { SERVICE_NAME_LABEL, type EndpointSlice } from '../shared/api/discovery.js';
import { decodeObject, encodeObject } from '../shared/storage/codec.js';
import { objectKey } from '../shared/storage/keys.js';
import { formatIP, ipFamilyOf } from '../shared/net/ip.js';
import type { ServiceCIDR } from './allocator/service-cidr.js';
import { StatusError } from './errors/status.js';
import { SKIP_MIRROR_LABEL } from './endpoints/mirror.js';
import { IMMORTAL_NAMESPACES } from './namespaces/strategy.js';
import type { Store } from './registry/store.js';
import { nowTimestamp } from './registry/object-meta.js';
import { WriteTxn } from './registry/txn.js';
import { randomUUID } from 'node:crypto';

interface BootstrapOptions {
  client: Etcd3;
  root: string;
  namespaces: Store<Namespace>;
  services: Store<Service>;
  primaryCIDR: ServiceCIDR;
  advertiseAddress: string;
  port: number;
  log: (line: string) => void;
}

/** How often upstream's kubernetes Service controller reconciles (its EndpointInterval). */
const KUBERNETES_SERVICE_INTERVAL_MS = 10_000;

/**
 * What kube-apiserver's bootstrap controllers ensure at start: the system namespaces, and the
 * `kubernetes` Service on the first IP of the primary range with endpoints at this apiserver.
 * Another replica may be doing the same at the same time, so "already exists" is success.
 */
export async function bootstrap(o: BootstrapOptions): Promise<void> {
  for (const name of IMMORTAL_NAMESPACES) {
    await ignoreExists(o.namespaces.create(undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name }, spec: {} }));
  }
  const clusterIP = await ensureKubernetesService(o);
  o.log(`bootstrap: namespaces ${IMMORTAL_NAMESPACES.join(', ')} and service default/kubernetes (${clusterIP}:443 -> ${o.advertiseAddress}:${o.port}) are in place`);
}

/**
 * Upstream's kubernetes Service controller (pkg/controlplane/controller/kubernetesservice):
 * every interval it puts back the `kubernetes` Service, its Endpoints and its EndpointSlice if
 * someone deleted them, as `kubectl delete svc --all` does.
 */
export class KubernetesServiceController {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly o: BootstrapOptions,
    private readonly intervalMs = KUBERNETES_SERVICE_INTERVAL_MS,
  ) {}

  start(): void {
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      ensureKubernetesService(this.o)
        .catch((err) => this.o.log(`kubernetes service controller: ${err instanceof Error ? err.message : String(err)}`))
        .finally(() => this.schedule());
    }, this.intervalMs);
  }
}

/** Creates the `kubernetes` Service if it is missing and (re)writes its endpoints; returns its clusterIP. */
async function ensureKubernetesService(o: BootstrapOptions): Promise<string> {
  const clusterIP = formatIP(o.primaryCIDR.ipAt(0n));
  const svc: Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: {
      type: 'ClusterIP',
      clusterIP,
      ports: [{ name: 'https', protocol: 'TCP', port: 443, targetPort: o.port }],
      sessionAffinity: 'None',
    },
  };
  // Upstream reads first and creates only what is missing; the create allocates the clusterIP.
  if (!(await exists(o.services.get('default', 'kubernetes')))) {
    o.services.strategy.defaults?.(svc);
    await ignoreExists(o.services.create('default', svc));
  }
  await writeKubernetesEndpoints(o);
  return clusterIP;
}

/**
 * The Endpoints and EndpointSlice of `kubernetes`, written directly as upstream's endpoint
 * reconciler does (not through validation, which refuses loopback addresses), and marked so
 * they are not mirrored. Each replica adds its own address.
 */
async function writeKubernetesEndpoints(o: BootstrapOptions): Promise<void> {
  const epKey = objectKey(o.root, 'endpoints', 'default', 'kubernetes');
  const sliceKey = objectKey(o.root, 'endpointslices', 'default', 'kubernetes');
  for (let attempt = 0; attempt < 10; attempt++) {
    const [epRes, sliceRes] = await Promise.all([o.client.kv.range({ key: Buffer.from(epKey) }), o.client.kv.range({ key: Buffer.from(sliceKey) })]);
    const epKV = epRes.kvs[0];
    const sliceKV = sliceRes.kvs[0];
    const old = epKV ? decodeObject<Endpoints>(epKV.value, Number(epKV.mod_revision)) : undefined;
    const oldSlice = sliceKV ? decodeObject<EndpointSlice>(sliceKV.value, Number(sliceKV.mod_revision)) : undefined;
    const ips = new Set((old?.subsets?.[0]?.addresses ?? []).map((a) => a.ip));
    ips.add(o.advertiseAddress);
    const addresses = [...ips].sort();
    const ports = [{ name: 'https', port: o.port, protocol: 'TCP' }];
    // Two objects, each with its own uid, kept across restarts.
    const meta = (existing: Endpoints | EndpointSlice | undefined, labels: Record<string, string>) => ({
      name: 'kubernetes',
      namespace: 'default',
      uid: existing?.metadata.uid ?? randomUUID(),
      creationTimestamp: existing?.metadata.creationTimestamp ?? nowTimestamp(),
      labels,
    });
    const ep: Endpoints = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: meta(old, { [SKIP_MIRROR_LABEL]: 'true' }),
      subsets: [{ addresses: addresses.map((ip) => ({ ip })), ports }],
    };
    const family = ipFamilyOf(o.advertiseAddress) ?? 'IPv4';
    const slice: EndpointSlice = {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      // The reconciler writes through the API, whose strategy counts generations.
      metadata: { ...meta(oldSlice, { [SERVICE_NAME_LABEL]: 'kubernetes' }), generation: oldSlice ? (oldSlice.metadata.generation ?? 0) + 1 : 1 },
      addressType: family,
      endpoints: addresses.filter((ip) => ipFamilyOf(ip) === family).map((ip) => ({ addresses: [ip], conditions: { ready: true } })),
      ports,
    };
    if (old && JSON.stringify(old.subsets) === JSON.stringify(ep.subsets) && sliceKV) return;
    const outcome = await new WriteTxn()
      .requireRevision(epKey, Number(epKV?.mod_revision ?? 0))
      .requireRevision(sliceKey, Number(sliceKV?.mod_revision ?? 0))
      .put(epKey, encodeObject(ep))
      .put(sliceKey, encodeObject(slice))
      .commit(o.client.kv);
    if (outcome.succeeded) return;
  }
  throw new Error('could not write the kubernetes endpoints: too many concurrent changes');
}

async function ignoreExists(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (err) {
    if (err instanceof StatusError && err.reason === 'AlreadyExists') return;
    throw err;
  }
}

async function exists(p: Promise<unknown>): Promise<boolean> {
  try {
    await p;
    return true;
  } catch (err) {
    if (err instanceof StatusError && err.code === 404) return false;
    throw err;
  }
}
