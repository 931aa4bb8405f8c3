import type { ICompare, IRequestOp, ITxnResponse } from 'etcd3';
import { CompareResult, CompareTarget } from 'etcd3';
import { storageError } from './etcd-errors.js';
import type { TxnRunner } from './txn-batcher.js';

/**
 * One etcd transaction of the generic store: conditions on the object key and on every claimed
 * key, then puts and deletes, all or nothing. On failure it reads back each conditioned key so
 * the caller can tell which condition failed.
 */
export class WriteTxn {
  private readonly compares: ICompare[] = [];
  private readonly ops: IRequestOp[] = [];
  /** The keys read back, in order, when the transaction fails. */
  readonly checked: string[] = [];

  /** Requires the key to be at this mod revision (0: absent). */
  requireRevision(key: string, modRevision: number): this {
    this.compares.push({ key: Buffer.from(key), target: CompareTarget.Mod, result: CompareResult.Equal, mod_revision: modRevision });
    this.checked.push(key);
    return this;
  }

  /** Writes the key; with a lease, etcd deletes it when the lease expires (events' TTL). */
  put(key: string, value: Buffer, lease?: string): this {
    this.ops.push({ request_put: { key: Buffer.from(key), value, ...(lease ? { lease } : {}) } });
    return this;
  }

  delete(key: string): this {
    this.ops.push({ request_delete_range: { key: Buffer.from(key) } });
    return this;
  }

  /** Runs it on `runner`: the etcd3 client's `kv`, or the apiserver's batcher. */
  async commit(runner: TxnRunner): Promise<TxnOutcome> {
    let res: ITxnResponse;
    try {
      res = await runner.txn({
        compare: this.compares,
        success: this.ops,
        failure: this.checked.map((key) => ({ request_range: { key: Buffer.from(key) } })),
      });
    } catch (err) {
      throw storageError(err);
    }
    const revision = Number(res.header.revision);
    if (res.succeeded) return { succeeded: true, revision };
    const current = new Map<string, { modRevision: number; value: Buffer }>();
    res.responses.forEach((r, i) => {
      const kv = r.response_range?.kvs[0];
      if (kv) current.set(this.checked[i]!, { modRevision: Number(kv.mod_revision), value: kv.value });
    });
    return { succeeded: false, revision, current };
  }
}

type TxnOutcome =
  | { succeeded: true; revision: number }
  | { succeeded: false; revision: number; current: Map<string, { modRevision: number; value: Buffer }> };
