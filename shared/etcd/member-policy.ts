import { BrokenCircuitError, type IDefaultPolicyContext, type IFailureEvent, type IPolicy, type ISuccessEvent, type Event } from 'cockatiel';
import { GRPCUnavailableError, RecoverableError } from 'etcd3';

/**
 * gRPC failures that happen before the request reaches a member: no connection to it, the
 * channel closed before the call started, or the stream refused (HTTP/2 REFUSED_STREAM means the
 * server did not process it). Only these are safe to send to another member, writes included,
 * as etcd's Go client retries mutations only on "there is no address/connection available".
 * Anything else may have been applied: a retried transaction whose first attempt committed would
 * see its own write as a conflict.
 */
export function neverSent(err: unknown): boolean {
  return (
    err instanceof GRPCUnavailableError &&
    /No connection established|Channel closed before call started|Stream refused by server/.test(err.message)
  );
}

const FIRST_PROBE_MS = 100;
const MAX_PROBE_MS = 2000;

/**
 * The etcd3 client's fault-handling policy for one member, shared by all its callers. It only
 * tracks whether the member can be reached: a member that could not be reached is skipped
 * (the connection pool then tries the next one) until a probe, one real call let through after
 * a backoff, reaches it again. A probe that finds it still dead is sent on by the client's
 * retry like any never-sent call, so skipping costs no request.
 *
 * Unlike etcd3's default circuit breaker, an error the member answers (a deadline, a too-large
 * read, an etcd error) says nothing about the member, so one slow or failing call cannot shut
 * the member for everyone; and such errors no longer make etcd3 close the member's channels,
 * which would fail every other call in flight on them.
 */
export class MemberPolicy implements IPolicy {
  declare readonly _altReturn: never;
  private down = false;
  private probing = false;
  private probeAt = 0;
  private backoffMs = 0;

  constructor(
    readonly member: string,
    /** Every member's policy, this one included: when all are down, none is skipped. */
    private readonly all: MemberPolicy[],
  ) {}

  get reachable(): boolean {
    return !this.down;
  }

  // etcd3 subscribes to neither.
  readonly onSuccess: Event<ISuccessEvent> = () => ({ dispose: () => undefined });
  readonly onFailure: Event<IFailureEvent> = () => ({ dispose: () => undefined });

  async execute<T>(fn: (context: IDefaultPolicyContext) => PromiseLike<T> | T, signal = new AbortController().signal): Promise<T> {
    let probe = false;
    if (this.down && this.all.some((m) => m.reachable)) {
      if (this.probing || Date.now() < this.probeAt) throw new BrokenCircuitError(`etcd member ${this.member} is unreachable`);
      probe = this.probing = true;
    }
    try {
      const result = await fn({ signal });
      this.markUp();
      return result;
    } catch (err) {
      if (neverSent(err)) {
        this.markDown();
      } else {
        // The member answered.
        this.markUp();
        if (err && typeof err === 'object') delete (err as Record<symbol, unknown>)[RecoverableError];
      }
      throw err;
    } finally {
      if (probe) this.probing = false;
    }
  }

  private markUp(): void {
    this.down = false;
    this.backoffMs = 0;
  }

  private markDown(): void {
    this.down = true;
    this.backoffMs = this.backoffMs === 0 ? FIRST_PROBE_MS : Math.min(this.backoffMs * 2, MAX_PROBE_MS);
    this.probeAt = Date.now() + this.backoffMs;
  }
}
