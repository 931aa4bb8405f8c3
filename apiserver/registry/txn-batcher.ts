import type { IRequestOp, ITxnRequest, ITxnResponse } from 'etcd3';

/** Whatever runs etcd transactions: the etcd3 client's `kv`, or a batcher in front of it. */
export interface TxnRunner {
  txn(req: ITxnRequest): Promise<ITxnResponse>;
}

export interface BatchOptions {
  /** Batches on the wire at once. */
  maxInFlight: number;
  /** Transactions per batch; etcd refuses more than --max-txn-ops (128) ops per level. */
  maxBatch: number;
  /** Request size per batch, under etcd's --max-request-bytes (1.5 MiB). */
  maxBytes: number;
}

const DEFAULTS: BatchOptions = { maxInFlight: 2, maxBatch: 64, maxBytes: 1 << 20 };

interface Pending {
  req: ITxnRequest;
  writes: string[];
  bytes: number;
  resolve(res: ITxnResponse): void;
  reject(err: unknown): void;
}

/**
 * Group commit for independent transactions. While batches are on the wire, new transactions
 * wait, and the next batch carries them together as nested transactions of one etcd request:
 * etcd evaluates each nested transaction's conditions on its own and applies its own branch, so
 * each keeps its all-or-nothing meaning, and one gRPC round trip serves many writes. A lone
 * transaction goes out at once, alone: batching adds no wait.
 *
 * etcd refuses a request that writes one key twice, so transactions that write the same key go
 * in different batches.
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
      this.queue.push({ req, writes: writtenKeys(req), bytes: approximateSize(req), resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.options.maxInFlight && this.queue.length > 0) {
      const batch = this.takeBatch();
      this.inFlight++;
      void this.send(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private takeBatch(): Pending[] {
    const batch: Pending[] = [];
    const written = new Set<string>();
    let bytes = 0;
    for (let i = 0; i < this.queue.length && batch.length < this.options.maxBatch; ) {
      const p = this.queue[i]!;
      const clash = p.writes.some((k) => written.has(k));
      if (clash || (batch.length > 0 && bytes + p.bytes > this.options.maxBytes)) {
        i++;
        continue;
      }
      this.queue.splice(i, 1);
      batch.push(p);
      bytes += p.bytes;
      for (const k of p.writes) written.add(k);
    }
    return batch;
  }

  private async send(batch: Pending[]): Promise<void> {
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

/** The keys a transaction puts or deletes, in either branch. */
function writtenKeys(req: ITxnRequest): string[] {
  const keys: string[] = [];
  const visit = (ops: IRequestOp[] | undefined) => {
    for (const op of ops ?? []) {
      if (op.request_put?.key) keys.push(op.request_put.key.toString('latin1'));
      if (op.request_delete_range?.key) keys.push(op.request_delete_range.key.toString('latin1'));
      if (op.request_txn) keys.push(...writtenKeys(op.request_txn));
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
