import { Etcd3 } from 'etcd3';
import { handleWhen, noop, retry } from 'cockatiel';
import { MemberPolicy, neverSent } from './member-policy.js';

export interface EtcdClientOptions {
  /** Deadline for each unary call. Streams (watches) have none. */
  requestTimeoutMs?: number;
}

/** Parses kube-apiserver style `--etcd-servers`: comma-separated URLs. */
export function parseEndpoints(servers: string): string[] {
  return servers.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

/** etcd's Go client (clientv3) receives messages up to math.MaxInt32 bytes; gRPC's default is 4 MiB. */
const MAX_CALL_RECV_MSG_SIZE = 2 ** 31 - 1;

/**
 * One etcd3 client configured for a control plane rather than for a script, routing around a
 * dead member as etcd's Go client does:
 * - a call that could not reach its member (never sent) goes to the next member at once, up to
 *   once per member; nothing else is retried, because a retried transaction whose first
 *   attempt committed would see its own write as a conflict;
 * - a member that could not be reached, or that let a call run into its deadline while others
 *   answer, is skipped until it answers again (MemberPolicy);
 * - a deadline on every unary call, so a dead etcd turns into a timeout instead of a hang;
 * - the receive limit and keepalive of kube-apiserver's etcd client (30 s ping, 10 s timeout).
 */
export function connectEtcd(endpoints: string[], options: EtcdClientOptions = {}): Etcd3 {
  const timeout = options.requestTimeoutMs ?? 5000;
  const hosts = endpoints.map((e) => e.replace(/^https?:\/\//, ''));
  const members: MemberPolicy[] = [];
  const probes: Etcd3[] = [];
  const client = new Etcd3({
    hosts,
    dialTimeout: timeout,
    grpcOptions: {
      'grpc.max_receive_message_length': MAX_CALL_RECV_MSG_SIZE,
      'grpc.keepalive_time_ms': 30_000,
      'grpc.keepalive_timeout_ms': 10_000,
      // gRPC's reconnect backoff grows to 2 minutes; a member that is back should serve again
      // within seconds.
      'grpc.max_reconnect_backoff_ms': 2000,
    },
    defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + timeout }),
    faultHandling: {
      // The pool walks one shuffled order of the members across attempts, so each retry
      // lands on a member not yet tried.
      global: retry(handleWhen(neverSent), { maxAttempts: hosts.length }),
      host: (host) => {
        const probe = probeClient(host);
        probes.push(probe);
        const policy = new MemberPolicy(host, members, () => probe.maintenance.status({ deadline: Date.now() + PROBE_TIMEOUT_MS }));
        members.push(policy);
        return policy;
      },
    },
  });
  const close = client.close.bind(client);
  client.close = () => {
    close();
    for (const probe of probes) probe.close();
  };
  return client;
}

/** A healthy member answers Maintenance.Status in milliseconds, even under load. */
const PROBE_TIMEOUT_MS = 1000;

/**
 * A connection of its own to one member for MemberPolicy's health probes: a probe neither waits
 * behind nor disturbs the client's calls, and a failed probe leaves it with a fresh channel (etcd3
 * resets a host's channels after a recoverable error). No retry, no circuit breaker: each probe
 * is one call whose outcome the policy reads.
 */
function probeClient(host: string): Etcd3 {
  return new Etcd3({ hosts: [host], dialTimeout: PROBE_TIMEOUT_MS, faultHandling: { global: noop, host: () => noop } });
}
