import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { GRPCDeadlineExceededError, type Etcd3 } from 'etcd3';
import type { Endpoints, Namespace, Service } from '../shared/api/core.js';
import type { EndpointSlice } from '../shared/api/discovery.js';
import type { KubeObject } from '../shared/api/meta.js';
import { DEFAULT_SERVICE_CIDR_NAME, type ServiceCIDRObject } from '../shared/api/networking.js';
import { connectEtcd } from '../shared/etcd/client.js';
import { requestWatchProgress } from '../shared/etcd/watch-progress.js';
import { PrefixReflector } from '../shared/etcd/reflector.js';
import { resourcePrefix } from '../shared/storage/keys.js';
import { familyName } from '../shared/net/ip.js';
import { ClusterIPAllocator } from './allocator/cluster-ips.js';
import { NodePortAllocator, type PortRange } from './allocator/node-ports.js';
import type { ServiceCIDR } from './allocator/service-cidr.js';
import { bootstrap, KubernetesServiceController } from './bootstrap.js';
import { WatchCache } from './cache/watch-cache.js';
import { Mirroring } from './endpoints/mirroring.js';
import { healthHandler, type Check } from './http/health.js';
import { authorizationRoutes } from './authorization/reviews.js';
import { discoveryRoutes } from './http/discovery-routes.js';
import { ResourceHandler } from './http/resource-handler.js';
import { WatchBudget, type WatchLimits } from './http/watch.js';
import { createHttpServer, resourceKey, type PathHandler, type RestHandler } from './http/server.js';
import { endpoints } from './kinds/endpoints.js';
import { endpointSlices } from './kinds/endpointslices.js';
import type { Kind, KindDeps } from './kinds/kind.js';
import { namespaces } from './kinds/namespaces.js';
import { KINDS } from './kinds/registry.js';
import { serviceCIDRs } from './kinds/servicecidrs.js';
import { services } from './kinds/services.js';
import { ServiceCIDRController } from './servicecidrs/controller.js';
import { ensureDefaultServiceCIDR } from './servicecidrs/default.js';
import { ServiceCIDRStatusStrategy } from './servicecidrs/strategy.js';
import { NamespaceDeleter } from './namespaces/controller.js';
import { NamespaceLifecycle } from './namespaces/gate.js';
import { NamespaceFinalizeStrategy, NamespaceStatusStrategy } from './namespaces/strategy.js';
import { Store } from './registry/store.js';
import { ApiServerMetrics, groupResource } from './metrics/registry.js';
import { instrumentRequest } from './metrics/requests.js';
import { metricsHandler } from './metrics/handler.js';
import { TxnBatcher } from './registry/txn-batcher.js';
import { Compactor } from './registry/compactor.js';
import { IPRepairLoop } from './repair/loop.js';
import { NodePortRepairLoop } from './repair/node-port-loop.js';
import { DEFAULT_EVENT_TTL_SECONDS, LeaseManager } from './events/leases.js';
import { EventRecorder } from './events/recorder.js';
import { eventsV1 } from './kinds/events.js';

export interface ApiServerOptions {
  etcdServers: string[];
  etcdPrefix: string;
  serviceCIDRs: ServiceCIDR[];
  nodePortRange: PortRange;
  bindAddress: string;
  port: number;
  advertiseAddress: string;
  repairIntervalMs: number;
  /** --event-ttl: Events expire this long after they are written (default 1h). */
  eventTTLMs?: number;
  /** How often the ServiceCIDR controller looks at every ServiceCIDR (when it leads). */
  serviceCIDRSyncMs?: number;
  /** --etcd-compaction-interval; 0 disables compaction. */
  etcdCompactionIntervalMs?: number;
  ipLeakGraceMs: number;
  /** Deadline of each etcd call; a request that runs into it answers 504. */
  etcdRequestTimeoutMs?: number;
  watchLimits?: WatchLimits;
  /** How often the `kubernetes` Service and its endpoints are put back (upstream: 10 s). */
  kubernetesServiceIntervalMs?: number;
  /** How long a terminating namespace waits before its contents are deleted (upstream: 5 s). */
  namespaceDeletionGraceMs?: number;
  log: (line: string) => void;
}

export interface RunningApiServer {
  url: string;
  port: number;
  stores: { services: Store<Service>; namespaces: Store<Namespace>; endpoints: Store<Endpoints>; endpointSlices: Store<EndpointSlice> };
  close(): Promise<void>;
}

/**
 * Wires the apiserver: etcd client, watch-fed allocators and caches, the generic stores with a
 * strategy per kind, the HTTP front, bootstrap and the background loops.
 */
export async function startApiServer(o: ApiServerOptions): Promise<RunningApiServer> {
  const root = o.etcdPrefix;
  const client = connectEtcd(o.etcdServers, { requestTimeoutMs: o.etcdRequestTimeoutMs });
  const log = o.log;
  const mirroring = new Mirroring(client, root);

  const ips = new ClusterIPAllocator(o.serviceCIDRs, resourcePrefix(root, 'ipaddresses'));
  const ports = new NodePortAllocator(o.nodePortRange, resourcePrefix(root, 'servicenodeports'));
  const ipConfig = { families: o.serviceCIDRs.map((c) => familyName(c.family)) };
  const eventLeases = new LeaseManager(client, Math.max(1, Math.round((o.eventTTLMs ?? DEFAULT_EVENT_TTL_SECONDS * 1000) / 1000)));
  const deps: KindDeps = { allocators: { ips, ports }, ipConfig, mirroring, eventLeases, log };
  const built = new Map(KINDS.map((kind) => [servedKey(kind), { kind, ...kind.strategies(deps) }]));
  // One progress request answers every cache: their watches share the client's stream.
  const requestProgress = () => void requestWatchProgress(client);
  const caches = new Map([...built].map(([resource, { strategy }]) => [resource, new WatchCache<KubeObject>({ decorate: strategy.decorate?.bind(strategy), log, requestProgress })]));
  const reflectors = [
    // The allocators need only which keys exist: their lists skip the values (not the ServiceCIDRs').
    new PrefixReflector(client, resourcePrefix(root, 'ipaddresses'), ips, { log, keysOnly: true }),
    new PrefixReflector(client, resourcePrefix(root, 'servicecidrs'), ips.serviceCIDRs, { log }),
    new PrefixReflector(client, resourcePrefix(root, 'servicenodeports'), ports, { log, keysOnly: true }),
    ...[...built.values()].map(({ kind }) => new PrefixReflector(client, resourcePrefix(root, kind.info.storage), caches.get(servedKey(kind))!, { log })),
  ];
  const listStart = performance.now();
  await Promise.all(reflectors.map((r) => r.start()));
  // Where a restart's time goes: etcd reads (with gRPC decoding) and filling caches and allocators.
  const cost = (r: PrefixReflector) => `${r.prefix.slice(root.length + 1, -1)} ${r.lastList.keys} keys (read ${r.lastList.readMs.toFixed(0)} ms, fill ${r.lastList.replaceMs.toFixed(0)} ms)`;
  log(`apiserver: initial lists in ${(performance.now() - listStart).toFixed(0)} ms: ${reflectors.filter((r) => r.lastList.keys > 0).map(cost).join(', ')}`);

  const gate = new NamespaceLifecycle(client, root, cacheOf(caches, namespaces));
  // One registry per apiserver: tests run several in one process.
  const metrics = new ApiServerMetrics({
    storageObjects: () => [...built.values()].map(({ kind }) => [groupResource(kind.info.group, kind.info.resource), caches.get(servedKey(kind))!.size]),
    clusterIPs: () => ips.usage(),
  });
  ips.observer = (cidr, scope, ok) => (ok ? metrics.allocations : metrics.allocationErrors).inc({ cidr, scope });
  // Writes of concurrent requests share etcd round trips; each keeps its own transaction.
  const txns = new TxnBatcher(client.kv, { onBatch: (size) => metrics.txnBatchSize.observe(size) });
  const storeMap = new Map([...built].map(([resource, { kind, strategy }]) => [resource, new Store<KubeObject>(client, root, strategy, kind.info.namespaced ? gate : undefined, txns, metrics)]));
  const stores = {
    services: storeOf(storeMap, services),
    namespaces: storeOf(storeMap, namespaces),
    endpoints: storeOf(storeMap, endpoints),
    endpointSlices: storeOf(storeMap, endpointSlices),
  };
  const finalizeStore = new Store<Namespace>(client, root, new NamespaceFinalizeStrategy(), undefined, txns, metrics);
  const namespaceStatusStore = new Store<Namespace>(client, root, new NamespaceStatusStrategy(), undefined, txns, metrics);

  let ready = false;
  const checks: Check[] = [etcdCheck(client, root), { name: 'bootstrap-controller', run: async () => (ready ? undefined : 'not finished') }];
  let serverAddress = '';
  const paths = new Map<string, PathHandler>([
    ['/healthz', healthHandler('healthz', checks)],
    ['/livez', healthHandler('livez', [])],
    ['/readyz', healthHandler('readyz', checks)],
    ['/metrics', metricsHandler(metrics.registry)],
    ...discoveryRoutes(() => serverAddress),
    ...authorizationRoutes(),
  ]);
  const watches = new WatchBudget(o.watchLimits);
  const handlers: RestHandler[] = [...built].map(
    ([resource, { kind, status, narrator }]) =>
      new ResourceHandler<KubeObject>({ kind, store: storeMap.get(resource)!, cache: caches.get(resource)!, statusStore: status && new Store<KubeObject>(client, root, status, undefined, txns, metrics), narrator }, watches),
  );
  const resources = new Map(handlers.map((h) => [resourceKey(h.info.group, h.info.version, h.info.resource), h]));
  const server = createHttpServer({ resources, paths, observe: (req, res, info, query) => instrumentRequest(metrics, req, res, info, query) });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.bindAddress, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = o.bindAddress.includes(':') ? `[${o.bindAddress}]` : o.bindAddress;
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
  serverAddress = `${o.advertiseAddress.includes(':') ? `[${o.advertiseAddress}]` : o.advertiseAddress}:${port}`;

  const cidrStores = { main: storeOf(storeMap, serviceCIDRs), status: new Store<ServiceCIDRObject>(client, root, new ServiceCIDRStatusStrategy(), undefined, txns) };
  await ensureDefaultServiceCIDR(cidrStores, o.serviceCIDRs, log);
  await waitFor(() => ips.known.some((s) => s.name === DEFAULT_SERVICE_CIDR_NAME), 'the default ServiceCIDR to reach the allocator');
  const bootstrapOptions = { client, root, namespaces: stores.namespaces, services: stores.services, primaryCIDR: o.serviceCIDRs[0]!, advertiseAddress: o.advertiseAddress, port, log };
  await bootstrap(bootstrapOptions);
  const kubernetesService = new KubernetesServiceController(bootstrapOptions, o.kubernetesServiceIntervalMs);
  kubernetesService.start();
  const namespaced = KINDS.filter((k) => k.info.namespaced).map((k) => storeMap.get(servedKey(k))!);
  const deleter = new NamespaceDeleter(cacheOf(caches, namespaces), { finalize: finalizeStore, status: namespaceStatusStore, content: namespaced }, log, o.namespaceDeletionGraceMs);
  deleter.start();
  const cidrController = new ServiceCIDRController(client, root, cidrStores, { intervalMs: o.serviceCIDRSyncMs ?? 1000, identity: `apiserver-${randomUUID()}`, log });
  cidrController.start();
  await cidrController.settled(3000);
  // Each in-process controller reports as itself through the events.k8s.io store.
  const recorderFor = (controller: string) => new EventRecorder(storeOf(storeMap, eventsV1), controller, log);
  const repair = new IPRepairLoop(client, root, () => ips.allRanges, { intervalMs: o.repairIntervalMs, graceMs: o.ipLeakGraceMs, log, recorder: recorderFor('ipallocator-repair-controller') });
  await repair.start();
  const portRepair = new NodePortRepairLoop(client, root, o.nodePortRange, { intervalMs: o.repairIntervalMs, log, recorder: recorderFor('portallocator-repair-controller') });
  await portRepair.start();
  const compactor = new Compactor(client, o.etcdCompactionIntervalMs ?? 0, log);
  compactor.start();
  ready = true;
  log(`apiserver: serving on ${url}, service CIDRs ${o.serviceCIDRs.map((c) => c.text).join(',')}, node ports ${o.nodePortRange.toString()}, etcd ${o.etcdServers.join(',')} prefix ${root}`);

  return {
    url,
    port,
    stores,
    async close() {
      repair.stop();
      await cidrController.stop();
      kubernetesService.stop();
      compactor.stop();
      portRepair.stop();
      deleter.stop();
      for (const r of reflectors) r.stop();
      for (const cache of caches.values()) cache.closeAll('apiserver shutting down');
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      client.close();
    },
  };
}

/** Polls until `done` holds, for start-up steps that wait on a watch. */
async function waitFor(done: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Kinds by group and resource: core and events.k8s.io both serve `events`. */
const servedKey = (kind: Kind<KubeObject>) => `${kind.info.group}/${kind.info.resource}`;

/** The store of one kind, typed as its objects. */
function storeOf<T extends KubeObject>(stores: ReadonlyMap<string, Store<KubeObject>>, kind: Kind<T>): Store<T> {
  return stores.get(servedKey(kind)) as unknown as Store<T>;
}

function cacheOf<T extends KubeObject>(caches: ReadonlyMap<string, WatchCache<KubeObject>>, kind: Kind<T>): WatchCache<T> {
  return caches.get(servedKey(kind)) as unknown as WatchCache<T>;
}

/**
 * The etcd readiness check, as kube-apiserver's: a linearizable read of `<prefix>/health`, which
 * any member with quorum answers; remembered for a second.
 */
const READY_CHECK_TIMEOUT_MS = 2000;

function etcdCheck(client: Etcd3, root: string): Check {
  let last = 0;
  let result: string | undefined;
  return {
    name: 'etcd',
    async run() {
      if (Date.now() - last < 1000) return result;
      try {
        // kube-apiserver's --etcd-readycheck-timeout (default 2 s). A read that ran into it has
        // made the client skip that member, so asking once more asks one that answers: readiness
        // means some member serves reads, as etcd itself is available while a quorum is.
        const read = () => client.get(`${root}/health`).options({ deadline: Date.now() + READY_CHECK_TIMEOUT_MS }).exec();
        await read().catch((err: unknown) => (err instanceof GRPCDeadlineExceededError ? read() : Promise.reject(err)));
        result = undefined;
      } catch (err) {
        result = `error getting data from etcd: ${err instanceof Error ? err.message : String(err)}`;
      }
      last = Date.now();
      return result;
    },
  };
}
