export type RunReason = 'changes' | 'periodic' | 'retry';

interface RunnerOptions {
  /** --iptables-min-sync-period: the average spacing of runs under load; 0 = no limit. */
  minIntervalMs: number;
  /** A run happens at least this long after the previous one, even with nothing to do. */
  maxIntervalMs: number;
  /** Runs allowed back to back before minIntervalMs applies (upstream uses 2). */
  burst?: number;
  now?: () => number;
}

/**
 * upstream's BoundedFrequencyRunner (pkg/util/async): run() asks for a run; requests arriving
 * while one is already scheduled are coalesced into it; a token bucket refilled once per
 * minIntervalMs, holding `burst` tokens, bounds how often runs happen; and a timer guarantees
 * a run every maxIntervalMs. Runs are never concurrent: `fn` is synchronous.
 */
export class BoundedFrequencyRunner {
  private tokens: number;
  private lastRefill: number;
  private readonly burst: number;
  private readonly now: () => number;
  private immediate: NodeJS.Immediate | undefined;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private timerReason: RunReason = 'changes';
  private maxTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly fn: (reason: RunReason) => void,
    private readonly options: RunnerOptions,
  ) {
    this.burst = options.burst ?? 2;
    this.now = options.now ?? Date.now;
    this.tokens = this.burst;
    this.lastRefill = this.now();
  }

  /** Starts the maxInterval clock; call after the first run. */
  start(): void {
    this.armMaxTimer();
  }

  /** Asks for a run as soon as the rate limit allows. */
  run(): void {
    if (this.stopped || this.immediate || this.timerReason === 'changes' && this.timer) return;
    // Let every event of this turn of the event loop join the run.
    this.immediate = setImmediate(() => {
      this.immediate = undefined;
      this.tryRun('changes');
    });
  }

  /** Asks for a run no later than `delayMs` from now, as after a failed sync. */
  retryAfter(delayMs: number): void {
    if (this.stopped) return;
    this.schedule(this.now() + delayMs, 'retry');
  }

  stop(): void {
    this.stopped = true;
    if (this.immediate) clearImmediate(this.immediate);
    clearTimeout(this.timer);
    clearTimeout(this.maxTimer);
  }

  private tryRun(reason: RunReason): void {
    if (this.stopped) return;
    this.refill();
    if (this.options.minIntervalMs > 0 && this.tokens < 1) {
      const waitMs = Math.ceil(((1 - this.tokens) * this.options.minIntervalMs));
      this.schedule(this.now() + waitMs, reason);
      return;
    }
    if (this.options.minIntervalMs > 0) this.tokens -= 1;
    this.execute(reason);
  }

  private execute(reason: RunReason): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
    this.timerReason = 'changes';
    this.armMaxTimer();
    this.fn(reason);
  }

  private schedule(at: number, reason: RunReason): void {
    if (this.timer && this.timerAt <= at) return;
    clearTimeout(this.timer);
    this.timerAt = at;
    this.timerReason = reason;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      this.tryRun(reason);
    }, Math.max(0, at - this.now()));
  }

  private refill(): void {
    const now = this.now();
    if (this.options.minIntervalMs > 0) {
      this.tokens = Math.min(this.burst, this.tokens + (now - this.lastRefill) / this.options.minIntervalMs);
    }
    this.lastRefill = now;
  }

  private armMaxTimer(): void {
    clearTimeout(this.maxTimer);
    if (this.stopped) return;
    this.maxTimer = setTimeout(() => this.execute('periodic'), this.options.maxIntervalMs);
  }
}
