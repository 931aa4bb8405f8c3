import { Etcd3 } from 'etcd3';
import { ConsecutiveBreaker, circuitBreaker, handleWhen, noop } from 'cockatiel';
import { isRecoverableError } from 'etcd3';

export interface EtcdClientOptions {
  /** Deadline for each unary call. Streams (watches) have none. */
  requestTimeoutMs?: number;
}

/** Parses kube-apiserver style `--etcd-servers`: comma-separated URLs. */
export function parseEndpoints(servers: string): string[] {
  return servers.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

/**
 * One etcd3 client configured for a control plane rather than for a script:
 * - no automatic retries, because a retried transaction whose first attempt committed would
 *   see its own write as a conflict;
 * - a deadline on every unary call, so a dead etcd turns into a timeout instead of a hang;
 * - a short circuit-breaker pause, so service resumes soon after etcd comes back.
 */
export function connectEtcd(endpoints: string[], options: EtcdClientOptions = {}): Etcd3 {
  const timeout = options.requestTimeoutMs ?? 5000;
  return new Etcd3({
    hosts: endpoints.map((e) => e.replace(/^https?:\/\//, '')),
    dialTimeout: timeout,
    defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + timeout }),
    faultHandling: {
      global: noop,
      host: () =>
        circuitBreaker(handleWhen(isRecoverableError), {
          halfOpenAfter: 500,
          breaker: new ConsecutiveBreaker(3),
        }),
    },
  });
}
