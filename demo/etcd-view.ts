import type { Etcd3 } from 'etcd3';
import { objectKey } from '../shared/storage/keys.js';

interface StoredKey {
  key: string;
  modRevision: number;
}

/** Step 3 of the walkthrough: what etcd holds for a Service, read back with etcd3. */
export async function serviceKeys(client: Etcd3, root: string, namespace: string, name: string, clusterIPs: readonly string[]): Promise<StoredKey[]> {
  const keys = [objectKey(root, 'services', namespace, name), ...clusterIPs.filter((ip) => ip && ip !== 'None').map((ip) => objectKey(root, 'ipaddresses', undefined, ip))];
  const out: StoredKey[] = [];
  for (const key of keys) {
    const res = await client.kv.range({ key: Buffer.from(key) });
    const kv = res.kvs[0];
    if (kv) out.push({ key, modRevision: Number(kv.mod_revision) });
  }
  return out;
}

export function describeKeys(keys: readonly StoredKey[]): string {
  if (keys.length === 0) return '(no keys)';
  return keys.map((k) => `${k.key}  (mod revision ${k.modRevision})`).join('\n');
}
