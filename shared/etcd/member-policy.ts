import { BrokenCircuitError, type IDefaultPolicyContext, type IFailureEvent, type IPolicy, type ISuccessEvent, type Event } from 'cockatiel';
import { GRPCDeadlineExceededError, GRPCUnavailableError, RecoverableError } from 'etcd3';

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

/** Asks one member, through a connection of its own, whether it answers; rejects if not. */
type MemberProbe = () => Promise<unknown>;

/**
 * The etcd3 client's fault-handling policy for one member, shared by all its callers. It tracks
 * whether the member can be reached and whether it answers; a member that fails either is skipped
 * (the connection pool then tries the next one):
 * - down: the member could not be reached. It is skipped until a probe, one real call let through
 *   after a backoff, reaches it again. A probe that finds it still dead is sent on by the client's
 *   retry like any never-sent call, so skipping costs no request.
 * - suspect: a call to it ran into its deadline while other members were reachable. A member
 *   that is paused or wedged keeps its TCP connection (the kernel still acknowledges), so
 *   nothing else would take it out, and every call sent there would wait out the whole deadline.
 *   It is skipped until a cheap health probe of its own (not a client's request, which may be a
 *   write that must not be sent twice) answers, with the same backoff. A member that was only
 *   slow, e.g. on a big read or a proposal stuck on a leader that died, answers the probe at once.
 * When every member is down or suspect, none is skipped.
 *
 * Unlike etcd3's default circuit breaker, an error the member answers (a too-large read, an etcd
 * error) says nothing about the member, so one failing call cannot shut the member for everyone;
 * and no error makes etcd3 close the member's channels, which would fail every other call in
 * flight on them.
 */
export class MemberPolicy implements IPolicy {
  declare readonly _altReturn: never;
  private down = false;
  private suspect = false;
  private probing = false;
  private probeAt = 0;
  private backoffMs = 0;

  constructor(
    readonly member: string,
    /** Every member's policy, this one included: when all are down or suspect, none is skipped. */
    private readonly all: MemberPolicy[],
    private readonly probe: MemberProbe,
  ) {}

  get reachable(): boolean {
    return !this.down && !this.suspect;
  }

  // etcd3 subscribes to neither.
  readonly onSuccess: Event<ISuccessEvent> = () => ({ dispose: () => undefined });
  readonly onFailure: Event<IFailureEvent> = () => ({ dispose: () => undefined });

  async execute<T>(fn: (context: IDefaultPolicyContext) => PromiseLike<T> | T, signal = new AbortController().signal): Promise<T> {
    let probe = false;
    if (!this.reachable && this.othersReachable()) {
      if (this.suspect) {
        this.probeSuspect();
        throw new BrokenCircuitError(`etcd member ${this.member} did not answer in time`);
      }
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
        if (err instanceof GRPCDeadlineExceededError && this.othersReachable()) this.markSuspect();
        else this.markUp();
        if (err && typeof err === 'object') delete (err as Record<symbol, unknown>)[RecoverableError];
      }
      throw err;
    } finally {
      if (probe) this.probing = false;
    }
  }

  private othersReachable(): boolean {
    return this.all.some((m) => m !== this && m.reachable);
  }

  /** Starts a health probe unless one runs or the backoff has not passed; it never rejects. */
  private probeSuspect(): void {
    if (this.probing || Date.now() < this.probeAt) return;
    this.probing = true;
    // then() first: a probe that throws instead of rejecting must not escape either.
    Promise.resolve().then(this.probe).then(
      () => {
        this.probing = false;
        if (this.suspect) this.markUp();
      },
      () => {
        this.probing = false;
        this.backoff();
      },
    );
  }

  private markUp(): void {
    this.down = false;
    this.suspect = false;
    this.backoffMs = 0;
  }

  private markDown(): void {
    this.down = true;
    this.suspect = false;
    this.backoff();
  }

  /** Calls that were in flight when the member stalled time out one after another: one mark. */
  private markSuspect(): void {
    if (this.suspect) return;
    this.suspect = true;
    this.backoffMs = 0;
    this.probeAt = 0;
  }

  private backoff(): void {
    this.backoffMs = this.backoffMs === 0 ? FIRST_PROBE_MS : Math.min(this.backoffMs * 2, MAX_PROBE_MS);
    this.probeAt = Date.now() + this.backoffMs;
  }
}
