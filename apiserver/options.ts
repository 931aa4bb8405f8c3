import { networkInterfaces } from 'node:os';
import { parseEndpoints } from '../shared/etcd/client.js';
import type { IPFamily } from '../shared/api/core.js';
import { parseGoDuration } from '../shared/flags/go-values.js';
import { ipFamilyOf, parseIP } from '../shared/net/ip.js';
import { DEFAULT_ETCD_PREFIX, normalizePrefix } from '../shared/storage/keys.js';
import { PortRange } from './allocator/node-ports.js';
import { parseServiceClusterIPRange } from './allocator/service-cidr.js';
import type { ApiServerOptions } from './server.js';

/** The flags as commander hands them over, all strings. */
export interface RawFlags {
  etcdServers: string;
  etcdPrefix: string;
  serviceClusterIpRange: string;
  serviceNodePortRange: string;
  bindAddress: string;
  port: string;
  advertiseAddress?: string;
  repairInterval: string;
  etcdCompactionInterval: string;
  ipLeakGracePeriod: string;
  eventTtl: string;
}

export const FLAG_DEFAULTS = {
  etcdServers: 'http://127.0.0.1:2379',
  etcdPrefix: DEFAULT_ETCD_PREFIX,
  serviceClusterIpRange: '10.96.0.0/12',
  serviceNodePortRange: '30000-32767',
  bindAddress: '127.0.0.1',
  port: '8080',
  repairInterval: '3m',
  etcdCompactionInterval: '5m',
  ipLeakGracePeriod: '60s',
  eventTtl: '1h0m0s',
};

/** Turns the flags into options, with kube-apiserver's messages for bad values. Throws on any. */
export function completeOptions(flags: RawFlags, log: (line: string) => void): ApiServerOptions {
  const serviceCIDRs = parseServiceClusterIPRange(flags.serviceClusterIpRange);
  let nodePortRange: PortRange;
  try {
    nodePortRange = PortRange.parse(flags.serviceNodePortRange);
  } catch (err) {
    throw new Error(`invalid argument "${flags.serviceNodePortRange}" for "--service-node-port-range" flag: ${(err as Error).message}`, { cause: err });
  }
  const port = Number(flags.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port ${flags.port} must be between 0 and 65535, inclusive`);
  if (!parseIP(flags.bindAddress, false)) throw new Error(`invalid argument "${flags.bindAddress}" for "--bind-address" flag: failed to parse IP`);
  const advertiseAddress = flags.advertiseAddress ?? defaultAdvertiseAddress(flags.bindAddress, serviceCIDRs[0]!.familyName);
  if (!parseIP(advertiseAddress, false)) throw new Error(`invalid argument "${advertiseAddress}" for "--advertise-address" flag: failed to parse IP`);
  if (ipFamilyOf(advertiseAddress) !== serviceCIDRs[0]!.familyName) {
    throw new Error(`service IP family "${serviceCIDRs[0]!.text}" must match public address family "${advertiseAddress}"`);
  }
  const etcdServers = parseEndpoints(flags.etcdServers);
  if (etcdServers.length === 0) throw new Error('--etcd-servers must be specified');
  return {
    etcdServers,
    etcdPrefix: normalizePrefix(flags.etcdPrefix),
    serviceCIDRs,
    nodePortRange,
    bindAddress: flags.bindAddress,
    port,
    advertiseAddress,
    repairIntervalMs: duration('--repair-interval', flags.repairInterval),
    etcdCompactionIntervalMs: duration('--etcd-compaction-interval', flags.etcdCompactionInterval),
    ipLeakGraceMs: duration('--ip-leak-grace-period', flags.ipLeakGracePeriod),
    eventTTLMs: duration('--event-ttl', flags.eventTtl),
    log,
  };
}

function duration(flag: string, value: string): number {
  const ms = parseGoDuration(value);
  if (ms === undefined || ms < 0) throw new Error(`invalid argument "${value}" for "${flag}" flag: time: invalid duration "${value}"`);
  return ms;
}

/**
 * As kube-apiserver: the bind address unless it is unspecified, else the host's first
 * non-loopback address of the primary service family, else loopback.
 */
function defaultAdvertiseAddress(bindAddress: string, family: IPFamily): string {
  if (bindAddress !== '0.0.0.0' && bindAddress !== '::' && ipFamilyOf(bindAddress) === family) return bindAddress;
  for (const addrs of Object.values(networkInterfaces())) {
    for (const a of addrs ?? []) {
      if (!a.internal && ipFamilyOf(a.address) === family && !a.address.startsWith('fe80')) return a.address;
    }
  }
  return family === 'IPv4' ? '127.0.0.1' : '::1';
}
