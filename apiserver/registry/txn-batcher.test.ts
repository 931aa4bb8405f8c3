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
});
