import type { Etcd3 } from 'etcd3';
import { CompareResult, CompareTarget } from 'etcd3';

/** Upstream's key (k8s.io/apiserver/pkg/storage/etcd3/compact.go), outside any --etcd-prefix. */
export const COMPACT_REV_KEY = 'compact_rev_key';

/**
 * Compacts etcd's history every interval, as kube-apiserver does, with upstream's protocol so
 * that replicas (and kube-apiservers on the same etcd) share the work without a lock: the
 * version of `compact_rev_key` is a logical clock. A replica whose clock matches etcd's
 * advances it with a compare-and-swap, storing the newest revision, and compacts up to the
 * revision it stored one round before; a replica whose swap fails adopts etcd's clock and
 * tries again next round. So history of about one interval is kept, one replica compacts
 * per round, and if it dies another takes over within two intervals.
 */
export class Compactor {
  /** The version of the compact key this replica last saw: its logical time. */
  private time = 0;
  /** The revision to compact at the next successful round. */
  private revision = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly client: Etcd3,
    private readonly intervalMs: number,
    private readonly log: (line: string) => void,
  ) {}

  start(): void {
    if (this.intervalMs <= 0) return;
    const tick = () => {
      this.timer = setTimeout(() => {
        this.round()
          .catch((err: unknown) => this.log(`etcd: compaction failed: ${err instanceof Error ? err.message : String(err)}`))
          .finally(() => {
            if (!this.stopped) tick();
          });
      }, this.intervalMs);
    };
    tick();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** One round of the protocol; exported for tests through the class. */
  async round(): Promise<void> {
    const key = Buffer.from(COMPACT_REV_KEY);
    const res = await this.client.kv.txn({
      compare: [{ key, target: CompareTarget.Version, result: CompareResult.Equal, version: this.time }],
      success: [{ request_put: { key, value: Buffer.from(String(this.revision)) } }],
      failure: [{ request_range: { key } }],
    });
    const current = Number(res.header.revision);
    if (!res.succeeded) {
      // Another replica is ahead: take its clock, and compact what is current now a round later.
      this.time = Number(res.responses[0]?.response_range?.kvs[0]?.version ?? 0);
      this.revision = current;
      return;
    }
    const target = this.revision;
    this.time += 1;
    this.revision = current;
    // The first round only records a revision: nothing is compacted at start.
    if (target === 0) return;
    await this.client.kv.compact({ revision: target });
    this.log(`etcd: compacted history up to revision ${target}`);
  }
}
