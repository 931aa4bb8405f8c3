import type { Etcd3 } from 'etcd3';
import { PrefixReflector } from '../../shared/etcd/reflector.js';

/**
 * Runs a repair pass on a timer and whenever a watched prefix changes, as upstream's repair
 * controllers run off informers and a work queue besides their periodic resync. Changes that
 * arrive during a pass, or within `settleMs` of the first, are coalesced into one next pass;
 * passes never overlap. A pass reads everything, so under churn (a benchmark) they come at most
 * every `settleMs`.
 */
const SETTLE_MS = 500;

export class RepairQueue {
  private readonly reflectors: PrefixReflector[];
  private timer: NodeJS.Timeout | undefined;
  private kick: NodeJS.Timeout | undefined;
  private running = false;
  private again = false;
  private stopped = false;

  constructor(
    client: Etcd3,
    prefixes: readonly string[],
    private readonly pass: () => Promise<void>,
    private readonly options: { intervalMs: number; settleMs?: number; log: (line: string) => void; name: string },
  ) {
    const handler = { replace: () => undefined, apply: () => this.changed() };
    this.reflectors = prefixes.map((p) => new PrefixReflector(client, p, handler, { log: options.log }));
  }

  async start(): Promise<void> {
    await Promise.all(this.reflectors.map((r) => r.start()));
    this.timer = setTimeout(() => this.run(), 0);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.kick);
    for (const r of this.reflectors) r.stop();
  }

  private changed(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    // Throttled, not debounced: steady churn still gets a pass every settleMs.
    this.kick ??= setTimeout(() => this.run(), this.options.settleMs ?? SETTLE_MS);
  }

  private run(): void {
    if (this.stopped || this.running) return;
    clearTimeout(this.timer);
    clearTimeout(this.kick);
    this.kick = undefined;
    this.running = true;
    this.pass()
      .catch((err) => this.options.log(`${this.options.name}: pass failed: ${err instanceof Error ? err.message : String(err)}`))
      .finally(() => {
        this.running = false;
        if (this.stopped) return;
        this.timer = setTimeout(() => this.run(), this.options.intervalMs);
        if (this.again) {
          this.again = false;
          this.changed();
        }
      });
  }
}
