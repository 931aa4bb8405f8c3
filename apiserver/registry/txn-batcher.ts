import type { IRequestOp, ITxnRequest, ITxnResponse } from 'etcd3';

/** Whatever runs etcd transactions: the etcd3 client's `kv`, or a batcher in front of it. */
export interface TxnRunner {
  txn(req: ITxnRequest): Promise<ITxnResponse>;
}

interface BatchOptions {
  /** Batches on the wire at once. */
  maxInFlight: number;
  /** etcd's --max-txn-ops (default 128): it bounds a request's operations, nesting included. */
  maxTxnOps: number;
  /** Request size per batch, under etcd's --max-request-bytes (1.5 MiB). */
  maxBytes: number;
  /** Told the number of transactions of each request sent (metrics). */
  onBatch?: (size: number) => void;
  /**
   * A batch on the wire longer than this no longer counts against maxInFlight. A batch stuck
   * on a member whose leader just died waits for its deadline; the writes queued behind it
   * must not wait with it, since the next batch may reach the new leader.
   */
  stalledAfterMs: number;
}

const DEFAULTS: BatchOptions = { maxInFlight: 2, maxTxnOps: 128, maxBytes: 1 << 20, stalledAfterMs: 200 };

interface Pending {
  req: ITxnRequest;
  writes: string[];
  compares: string[];
  ops: number;
  bytes: number;
  resolve(res: ITxnResponse): void;
  reject(err: unknown): void;
}

/**
 * Group commit for independent transactions. While batches are on the wire, new transactions
 * wait, and the next batch carries them together as nested transactions of one etcd request,
 * so one gRPC round trip serves many writes. A lone transaction goes out at once, alone:
 * batching adds no wait.
 *
 * etcd first evaluates the conditions of every nested transaction against the state before the
 * request, then applies the chosen branches in order. So each keeps its all-or-nothing meaning
 * only if no other transaction of the batch writes a key it compares or writes; such
 * transactions go in different batches. etcd also counts operations across nesting: a nested
 * transaction may have at most --max-txn-ops minus the batch's size, which bounds the batch.
 */
export class TxnBatcher implements TxnRunner {
  private readonly queue: Pending[] = [];
  private inFlight = 0;
  private readonly options: BatchOptions;

  constructor(
    private readonly kv: TxnRunner,
    options: Partial<BatchOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  txn(req: ITxnRequest): Promise<ITxnResponse> {
    return new Promise((resolve, reject) => {
      this.queue.push({ req, writes: writtenKeys(req), compares: comparedKeys(req), ops: opCount(req), bytes: approximateSize(req), resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.options.maxInFlight && this.queue.length > 0) {
      const batch = this.takeBatch();
      this.inFlight++;
      let counted = true;
      const release = () => {
        if (!counted) return;
        counted = false;
        this.inFlight--;
        this.pump();
      };
      const stalled = setTimeout(release, this.options.stalledAfterMs);
      void this.send(batch).finally(() => {
        clearTimeout(stalled);
        release();
      });
    }
  }

  private takeBatch(): Pending[] {
    const batch: Pending[] = [this.queue.shift()!];
    const written = new Set(batch[0]!.writes);
    const compared = new Set(batch[0]!.compares);
    let bytes = batch[0]!.bytes;
    let maxOps = batch[0]!.ops;
    for (let i = 0; i < this.queue.length; ) {
      const p = this.queue[i]!;
      const ops = Math.max(maxOps, p.ops);
      const fits = ops + batch.length + 1 <= this.options.maxTxnOps && bytes + p.bytes <= this.options.maxBytes;
      const clash = p.writes.some((k) => written.has(k) || compared.has(k)) || p.compares.some((k) => written.has(k));
      if (!fits || clash) {
        i++;
        continue;
      }
      this.queue.splice(i, 1);
      batch.push(p);
      bytes += p.bytes;
      maxOps = ops;
      for (const k of p.writes) written.add(k);
      for (const k of p.compares) compared.add(k);
    }
    return batch;
  }

  private async send(batch: Pending[]): Promise<void> {
    this.options.onBatch?.(batch.length);
    if (batch.length === 1) {
      const [p] = batch;
      await this.kv.txn(p!.req).then(p!.resolve, p!.reject);
      return;
    }
    let res: ITxnResponse;
    try {
      res = await this.kv.txn({ compare: [], success: batch.map((p) => ({ request_txn: p.req })), failure: [] });
    } catch (err) {
      for (const p of batch) p.reject(err);
      return;
    }
    batch.forEach((p, i) => {
      const inner = res.responses[i]?.response_txn;
      if (!inner) p.reject(new Error('etcd answered a batch without the nested transaction responses'));
      else p.resolve({ ...inner, header: res.header });
    });
  }
}

/** etcd's count for --max-txn-ops: the longest of the three lists, nested ones included. */
function opCount(req: ITxnRequest): number {
  const nested = (ops: IRequestOp[] | undefined) => Math.max(0, ...(ops ?? []).map((op) => (op.request_txn ? opCount(op.request_txn) : 0)));
  const own = Math.max(req.compare?.length ?? 0, req.success?.length ?? 0, req.failure?.length ?? 0);
  return own + Math.max(nested(req.success), nested(req.failure));
}

function comparedKeys(req: ITxnRequest): string[] {
  return (req.compare ?? []).map((c) => c.key!.toString('latin1'));
}

/** The keys a transaction puts or deletes, in either branch. */
function writtenKeys(req: ITxnRequest): string[] {
  const keys: string[] = [];
  const visit = (ops: IRequestOp[] | undefined) => {
    for (const op of ops ?? []) {
      if (op.request_put?.key) keys.push(op.request_put.key.toString('latin1'));
      if (op.request_delete_range?.key) keys.push(op.request_delete_range.key.toString('latin1'));
      if (op.request_txn) keys.push(...writtenKeys(op.request_txn), ...comparedKeys(op.request_txn));
    }
  };
  visit(req.success);
  visit(req.failure);
  return keys;
}

function approximateSize(req: ITxnRequest): number {
  let size = 64;
  const visit = (ops: IRequestOp[] | undefined) => {
    for (const op of ops ?? []) {
      size += 16 + (op.request_put?.key?.length ?? 0) + (op.request_put?.value?.length ?? 0);
      size += (op.request_delete_range?.key?.length ?? 0) + (op.request_range?.key?.length ?? 0);
      if (op.request_txn) size += approximateSize(op.request_txn);
    }
  };
  for (const c of req.compare ?? []) size += 16 + (c.key?.length ?? 0);
  visit(req.success);
  visit(req.failure);
  return size;
}
