import { DEFAULT_SERVICE_CIDR_NAME, SERVICE_CIDR_READY, type ServiceCIDRObject } from '../../shared/api/networking.js';
import type { ServiceCIDR } from '../allocator/service-cidr.js';
import { StatusError } from '../errors/status.js';
import { nowTimestamp } from '../registry/object-meta.js';
import type { Store } from '../registry/store.js';

const DEFAULT_READY_MESSAGE = 'Kubernetes default Service CIDR is ready';

/**
 * What upstream's default-servicecidr-controller ensures at start: the `kubernetes` ServiceCIDR
 * with the --service-cluster-ip-range CIDRs (upgraded from single to dual stack when the flag
 * gains a family), and its Ready condition set True when it has none. A ServiceCIDR that no
 * longer matches the flags is left alone and reported, as upstream does.
 */
export async function ensureDefaultServiceCIDR(
  stores: { main: Store<ServiceCIDRObject>; status: Store<ServiceCIDRObject> },
  flagRanges: readonly ServiceCIDR[],
  log: (line: string) => void,
): Promise<void> {
  const cidrs = flagRanges.map((c) => c.text);
  let current = await stores.main.get(undefined, DEFAULT_SERVICE_CIDR_NAME).catch(notFoundAsUndefined);
  if (!current) {
    const fresh: ServiceCIDRObject = { apiVersion: 'networking.k8s.io/v1', kind: 'ServiceCIDR', metadata: { name: DEFAULT_SERVICE_CIDR_NAME }, spec: { cidrs } };
    current = await stores.main.create(undefined, fresh).catch(async (err: unknown) => {
      // Another replica created it first.
      if (err instanceof StatusError && err.reason === 'AlreadyExists') return stores.main.get(undefined, DEFAULT_SERVICE_CIDR_NAME);
      throw err;
    });
  } else if (cidrs.length === 2 && current.spec?.cidrs?.length === 1 && current.spec.cidrs[0] === cidrs[0]) {
    current = (await stores.main.update(undefined, DEFAULT_SERVICE_CIDR_NAME, (cur) => ({ ...cur!, spec: { cidrs } }))).obj;
  }
  if (JSON.stringify(current.spec?.cidrs ?? []) !== JSON.stringify(cidrs)) {
    log(`servicecidr: the default ServiceCIDR ${JSON.stringify(current.spec?.cidrs ?? [])} does not match the flag configuration ${JSON.stringify(cidrs)}`);
    return;
  }
  const ready = current.status?.conditions?.find((c) => c.type === SERVICE_CIDR_READY);
  if (current.metadata.deletionTimestamp || (ready && ready.status !== 'Unknown')) return;
  await stores.status.update(undefined, DEFAULT_SERVICE_CIDR_NAME, (cur) => {
    const others = (cur!.status?.conditions ?? []).filter((c) => c.type !== SERVICE_CIDR_READY);
    cur!.status = { conditions: [...others, { type: SERVICE_CIDR_READY, status: 'True', lastTransitionTime: nowTimestamp(), reason: '', message: DEFAULT_READY_MESSAGE }] };
    return cur!;
  });
  log(`servicecidr: default ServiceCIDR ${DEFAULT_SERVICE_CIDR_NAME} (${cidrs.join(',')}) is Ready`);
}

function notFoundAsUndefined(err: unknown): undefined {
  if (err instanceof StatusError && err.code === 404) return undefined;
  throw err;
}
