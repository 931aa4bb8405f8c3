import { randomBytes } from 'node:crypto';
import type { Etcd3 } from 'etcd3';
import { provideEtcd, type EtcdHandle } from '../etcd/provider.js';
import { connectEtcd } from '../etcd/client.js';
import { refuseInUnitRun } from './unit-only.js';

let shared: Promise<EtcdHandle> | undefined;

/** One real etcd for the whole test run, started on first use and stopped by the root hook. */
export function sharedEtcd(): Promise<EtcdHandle> {
  refuseInUnitRun('etcd');
  shared ??= provideEtcd({ log: (line) => console.log(`      [etcd] ${line}`) });
  return shared;
}

export async function stopSharedEtcd(): Promise<void> {
  if (!shared) return;
  const handle = await shared.catch(() => undefined);
  shared = undefined;
  await handle?.stop();
}

/** A key prefix no other test uses, so tests share one etcd without seeing each other. */
export function uniquePrefix(name = 'test'): string {
  return `/${name}-${randomBytes(4).toString('hex')}/registry`;
}

/** A client on the shared etcd, closed by the caller. */
export async function sharedClient(): Promise<Etcd3> {
  const handle = await sharedEtcd();
  return connectEtcd(handle.endpoints);
}
