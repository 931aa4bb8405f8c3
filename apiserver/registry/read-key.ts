import type { Etcd3 } from 'etcd3';
import { storageError } from './etcd-errors.js';

export interface StoredValue {
  value: Buffer;
  modRevision: number;
}

/** One key as etcd holds it now (a consistent read), or undefined; storage failures become Statuses. */
export async function readKey(client: Etcd3, key: string): Promise<StoredValue | undefined> {
  let res;
  try {
    res = await client.kv.range({ key: Buffer.from(key) });
  } catch (err) {
    throw storageError(err);
  }
  const kv = res.kvs[0];
  return kv ? { value: kv.value, modRevision: Number(kv.mod_revision) } : undefined;
}
