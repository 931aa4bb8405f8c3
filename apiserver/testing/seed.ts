import { randomUUID } from 'node:crypto';
import type { Etcd3 } from 'etcd3';
import type { Service } from '../../shared/api/core.js';
import { encodeObject } from '../../shared/storage/codec.js';
import { objectKey } from '../../shared/storage/keys.js';
import { newIPAddress } from '../services/allocation-records.js';

interface SeedOptions {
  namespace?: string;
  /** Bytes of one annotation value on each Service, to make big objects from few. */
  annotationBytes?: number;
  /** The index of the first Service (names and IPs follow it), to seed in rounds. */
  from?: number;
}

/** The i-th seeded clusterIP: in 10.96.0.0/12, past the first addresses (the `kubernetes` Service). */
function seededIP(i: number): string {
  const n = i + 256;
  return `10.${96 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`;
}

/**
 * Writes `count` Services and their IPAddresses straight into etcd, as the apiserver stores
 * them, up to 60 Services per transaction: a test or benchmark gets a
 * big registry in seconds instead of creating it request by request.
 */
export async function seedServices(client: Etcd3, root: string, count: number, options: SeedOptions = {}): Promise<void> {
  const namespace = options.namespace ?? 'default';
  const from = options.from ?? 0;
  const note = options.annotationBytes ? 'x'.repeat(options.annotationBytes) : undefined;
  const created = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  // etcd takes at most 128 operations and 1.5 MiB in one request.
  const batch = Math.max(1, Math.min(60, Math.floor(1_000_000 / (options.annotationBytes ?? 1))));
  for (let start = from; start < from + count; start += batch) {
    const ops = [];
    for (let i = start; i < Math.min(start + batch, from + count); i++) {
      const ip = seededIP(i);
      const svc: Service = {
        kind: 'Service',
        apiVersion: 'v1',
        metadata: { name: `s${i}`, namespace, uid: randomUUID(), creationTimestamp: created, ...(note ? { annotations: { note } } : {}) },
        spec: {
          ports: [{ protocol: 'TCP', port: 80, targetPort: 8080 }],
          selector: { app: `s${i}` },
          clusterIP: ip,
          clusterIPs: [ip],
          type: 'ClusterIP',
          sessionAffinity: 'None',
          ipFamilies: ['IPv4'],
          ipFamilyPolicy: 'SingleStack',
          internalTrafficPolicy: 'Cluster',
        },
        status: { loadBalancer: {} },
      };
      ops.push({ request_put: { key: Buffer.from(objectKey(root, 'services', namespace, svc.metadata.name!)), value: encodeObject(svc) } });
      ops.push({ request_put: { key: Buffer.from(objectKey(root, 'ipaddresses', undefined, ip)), value: encodeObject(newIPAddress(ip, svc)) } });
    }
    await client.kv.txn({ compare: [], success: ops, failure: [] });
  }
}
