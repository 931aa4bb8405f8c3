import { expect } from 'chai';
import type { Etcd3, ITxnRequest } from 'etcd3';
import { CompareResult, CompareTarget } from 'etcd3';
import { sharedClient, uniquePrefix } from '../../shared/testing/etcd.js';
import { TxnBatcher } from './txn-batcher.js';

const createIfAbsent = (key: string, value: string): ITxnRequest => ({
  compare: [{ key: Buffer.from(key), target: CompareTarget.Mod, result: CompareResult.Equal, mod_revision: 0 }],
  success: [{ request_put: { key: Buffer.from(key), value: Buffer.from(value) } }],
  failure: [{ request_range: { key: Buffer.from(key) } }],
});

describe('TxnBatcher (real etcd): group commit of independent transactions', () => {
  let client: Etcd3;
  before(async () => {
    client = await sharedClient();
  });
  after(() => client?.close());

  it('keeps each transaction all-or-nothing inside a shared request', async () => {
    const prefix = uniquePrefix('batch');
    await client.put(`${prefix}/taken`).value('first');
    let calls = 0;
    const counting = { txn: (req: ITxnRequest) => (calls++, client.kv.txn(req)) };
    const batcher = new TxnBatcher(counting, { maxInFlight: 1 });
    const keys = [...Array.from({ length: 30 }, (_, i) => `${prefix}/k${i}`), `${prefix}/taken`];
    const results = await Promise.all(keys.map((k) => batcher.txn(createIfAbsent(k, 'v'))));
    expect(calls).to.be.lessThan(keys.length);
    expect(results.slice(0, 30).every((r) => r.succeeded)).to.equal(true);
    const lost = results[30]!;
    expect(lost.succeeded).to.equal(false);
    expect(lost.responses[0]!.response_range.kvs[0]!.value.toString()).to.equal('first');
    expect(Number(lost.header.revision)).to.be.greaterThan(0);
    expect(await client.get(`${prefix}/taken`).string()).to.equal('first');
  });

  it('never puts two writes of one key in the same request', async () => {
    const prefix = uniquePrefix('batch');
    const batcher = new TxnBatcher(client.kv, { maxInFlight: 1 });
    const results = await Promise.all(Array.from({ length: 6 }, () => batcher.txn(createIfAbsent(`${prefix}/same`, 'v'))));
    expect(results.filter((r) => r.succeeded)).to.have.length(1);
  });

  it('rejects every transaction of a batch the request fails for', async () => {
    const failing = { txn: () => Promise.reject(new Error('etcd gone')) };
    const batcher = new TxnBatcher(failing, { maxInFlight: 1 });
    const outcomes = await Promise.allSettled([1, 2, 3].map((i) => batcher.txn(createIfAbsent(`/x/${i}`, 'v'))));
    expect(outcomes.every((o) => o.status === 'rejected')).to.equal(true);
  });

  it('sends the next batch when the one on the wire is stuck, as on a member whose leader died', async () => {
    const prefix = uniquePrefix('batch');
    let first = true;
    // The first request never answers (until the test ends); the rest go to etcd.
    const stuck = { txn: (req: ITxnRequest) => (first ? ((first = false), new Promise<never>(() => undefined)) : client.kv.txn(req)) };
    const batcher = new TxnBatcher(stuck, { maxInFlight: 1, stalledAfterMs: 100 });
    void batcher.txn(createIfAbsent(`${prefix}/stuck`, 'v'));
    const started = Date.now();
    const next = await batcher.txn(createIfAbsent(`${prefix}/next`, 'v'));
    expect(next.succeeded).to.equal(true);
    expect(Date.now() - started).to.be.lessThan(3000);
  });

  it('keeps within etcd\'s operation limit, which counts nested operations', async () => {
    const prefix = uniquePrefix('batch');
    let calls = 0;
    const counting = { txn: (req: ITxnRequest) => (calls++, client.kv.txn(req)) };
    const batcher = new TxnBatcher(counting, { maxInFlight: 1 });
    const wide: ITxnRequest = {
      compare: Array.from({ length: 100 }, (_, i) => ({ key: Buffer.from(`${prefix}/wide${i}`), target: CompareTarget.Mod, result: CompareResult.Equal, mod_revision: 0 })),
      success: Array.from({ length: 100 }, (_, i) => ({ request_put: { key: Buffer.from(`${prefix}/wide${i}`), value: Buffer.from('v') } })),
      failure: [],
    };
    const small = Array.from({ length: 40 }, (_, i) => batcher.txn(createIfAbsent(`${prefix}/s${i}`, 'v')));
    const all = await Promise.all([batcher.txn(createIfAbsent(`${prefix}/first`, 'v')), batcher.txn(wide), ...small]);
    expect(all.every((r) => r.succeeded)).to.equal(true);
    expect(calls).to.be.lessThan(all.length);
  });

  it('never batches a transaction with one that writes a key it compares', async () => {
    const prefix = uniquePrefix('batch');
    const batcher = new TxnBatcher(client.kv, { maxInFlight: 1 });
    // Each creates its key only if the other's key is absent: together they must not both commit.
    const crossed = (mine: string, other: string): ITxnRequest => ({
      compare: [{ key: Buffer.from(other), target: CompareTarget.Mod, result: CompareResult.Equal, mod_revision: 0 }],
      success: [{ request_put: { key: Buffer.from(mine), value: Buffer.from('v') } }],
      failure: [],
    });
    // The first goes out alone; the two crossed ones queue behind it and would share a batch.
    const [, a, b] = await Promise.all([
      batcher.txn(createIfAbsent(`${prefix}/first`, 'v')),
      batcher.txn(crossed(`${prefix}/a`, `${prefix}/b`)),
      batcher.txn(crossed(`${prefix}/b`, `${prefix}/a`)),
    ]);
    expect([a.succeeded, b.succeeded].filter(Boolean)).to.have.length(1);
  });
});
