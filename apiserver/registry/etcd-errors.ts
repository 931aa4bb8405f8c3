import { GRPCDeadlineExceededError } from 'etcd3';
import { internalError, serviceUnavailable, StatusError, timeout } from '../errors/status.js';

/**
 * Turns a failed etcd call into the Status a client sees: a deadline or etcd's own request
 * timeout into 504 (the write may or may not have happened, as with kube-apiserver), a request
 * etcd refuses as such into 500, and anything else from the storage layer into 503.
 */
export function storageError(err: unknown): StatusError {
  if (err instanceof StatusError) return err;
  if (err instanceof GRPCDeadlineExceededError || /deadline/i.test(String((err as Error)?.message))) {
    return timeout('request did not complete within requested timeout - context deadline exceeded', 1);
  }
  const message = err instanceof Error ? err.message : String(err);
  // etcd gave up waiting for the proposal ("request timed out", "... due to previous leader
  // failure", "... due to connection lost"): it may still be applied, as after a deadline.
  if (/etcdserver: request timed out/.test(message)) return timeout(message.replace(/^\d+ [A-Z_]+: /, ''), 1);
  // etcd refused the request itself (too many operations, too large): retrying will not help.
  if (/too many operations in txn request|duplicate key given in txn request|request is too large/.test(message)) {
    return internalError(message.replace(/^\d+ [A-Z_]+: /, ''));
  }
  return serviceUnavailable(`etcd is unavailable: ${message}`);
}
