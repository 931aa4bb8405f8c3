import { expect } from 'chai';
import type { Etcd3 } from 'etcd3';
import { sharedEtcd, uniquePrefix } from '../testing/etcd.js';
import { connectEtcd } from './client.js';

describe('connectEtcd (real etcd): one caller\'s big or failing read is no one else\'s problem', () => {
  let client: Etcd3;
  before(async () => {
    client = connectEtcd((await sharedEtcd()).endpoints);
  });
  after(() => client?.close());

  it('reads a response larger than gRPC\'s 4 MiB default, as clientv3 does', async () => {
    const prefix = uniquePrefix('big');
    const mib = Buffer.alloc(1 << 20, 'x');
    for (let i = 0; i < 5; i++) await client.put(`${prefix}/k${i}`).value(mib);
    const res = await client.getAll().prefix(prefix).exec();
    expect(res.kvs.length).to.equal(5);
    await client.delete().prefix(prefix);
  });

  it('lets others through after one caller\'s reads fail again and again', async () => {
    const prefix = uniquePrefix('failing');
    await client.put(`${prefix}/k`).value('v');
    for (let i = 0; i < 5; i++) {
      // A deadline already passed: each of these fails with DEADLINE_EXCEEDED.
      const failed = await client.getAll().prefix(prefix).options({ deadline: Date.now() - 1 }).exec().then(() => undefined, (err: Error) => err);
      expect(failed?.message).to.match(/DEADLINE_EXCEEDED|Deadline/i);
    }
    expect(await client.get(`${prefix}/k`).string()).to.equal('v');
  });
});
