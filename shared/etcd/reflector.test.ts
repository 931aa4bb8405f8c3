import { expect } from 'chai';
import type { Etcd3 } from 'etcd3';
import type { KeyValue } from './range.js';
import { PrefixReflector, type WatchEvent } from './reflector.js';
import { sharedClient, uniquePrefix } from '../testing/etcd.js';
import { DisposableEtcd } from '../testing/disposable-etcd.js';
import { connectEtcd } from './client.js';
import { eventually } from '../testing/eventually.js';

class Recorder {
  state = new Map<string, string>();
  replaced = 0;
  revision = 0;
  replace(items: KeyValue[], revision: number) {
    this.replaced++;
    this.state = new Map(items.map((kv) => [kv.key, kv.value.toString()]));
    this.revision = revision;
  }
  apply(events: WatchEvent[], revision: number) {
    expect(revision).to.be.greaterThan(this.revision);
    for (const ev of events) {
      if (ev.type === 'put') this.state.set(ev.kv.key, ev.kv.value.toString());
      else this.state.delete(ev.key);
    }
    this.revision = revision;
  }
}


describe('PrefixReflector (real etcd)', () => {
  let client: Etcd3;
  before(async () => {
    client = await sharedClient();
  });
  after(() => client?.close());

  it('lists, then delivers puts and deletes in order', async () => {
    const prefix = uniquePrefix();
    await client.put(`${prefix}/a`).value('1');
    const rec = new Recorder();
    const reflector = new PrefixReflector(client, `${prefix}/`, rec);
    await reflector.start();
    expect([...rec.state]).to.deep.equal([[`${prefix}/a`, '1']]);
    await client.put(`${prefix}/b`).value('2');
    await client.delete().key(`${prefix}/a`);
    await client.put(`${prefix}-other`).value('x');
    await eventually(() => expect([...rec.state]).to.deep.equal([[`${prefix}/b`, '2']]));
    reflector.stop();
  });

  it('re-lists when the revision it would resume from is compacted away', async () => {
    const prefix = uniquePrefix();
    const rec = new Recorder();
    const reflector = new PrefixReflector(client, `${prefix}/`, rec);
    await reflector.start();
    // Make the reflector resume from an old revision, as after a long disconnect, then compact it.
    const stale = reflector.revision;
    for (let i = 0; i < 5; i++) await client.put(`${prefix}/k${i}`).value(String(i));
    await eventually(() => expect(rec.state.size).to.equal(5));
    const latest = Number((await client.get('x').exec()).header.revision);
    await client.put(`${prefix}/late`).value('y');
    await client.kv.compact({ revision: String(latest) });
    const internals = reflector as unknown as { delivered: number; recover(w: unknown, e: Error, how: { relist: boolean; cancel: boolean }): void; watcher: unknown };
    internals.delivered = stale;
    internals.recover(internals.watcher, new Error('simulated disconnect'), { relist: false, cancel: true });
    await eventually(() => expect(rec.replaced).to.equal(2));
    expect(rec.state.get(`${prefix}/late`)).to.equal('y');
    expect(rec.state.size).to.equal(6);
    reflector.stop();
  });

  it('re-lists after etcd comes back with its data lost (revisions start again)', async function () {
    this.timeout(60_000);
    const etcd = await DisposableEtcd.start();
    const own = connectEtcd(etcd.endpoints);
    try {
      for (let i = 0; i < 20; i++) await own.put(`/lost/k${i}`).value(String(i));
      const rec = new Recorder();
      const reflector = new PrefixReflector(own, '/lost/', rec, { maxBackoffMs: 200 });
      await reflector.start();
      expect(rec.state.size).to.equal(20);
      await etcd.kill();
      etcd.wipe();
      await etcd.restart();
      await eventually(async () => {
        await own.put('/lost/after').value('x');
        expect(rec.replaced).to.be.greaterThan(1);
        expect([...rec.state.keys()]).to.deep.equal(['/lost/after']);
      }, 30_000, 500);
      reflector.stop();
    } finally {
      own.close();
      await etcd.destroy();
    }
  });
});
