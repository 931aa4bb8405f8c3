import { expect } from 'chai';
import type { KubeObject } from '../../shared/api/meta.js';
import type { WatchEvent } from '../../shared/etcd/reflector.js';
import { TooOldResourceVersion, WatchCache, type CacheEvent } from './watch-cache.js';

const put = (name: string, rev: number): WatchEvent => ({
  type: 'put',
  kv: { key: `/r/${name}`, value: Buffer.from(JSON.stringify({ metadata: { name } })), createRevision: rev, modRevision: rev },
});

function collect(cache: WatchCache<KubeObject>, from: number | undefined): string[] {
  const seen: string[] = [];
  cache.watch(from, {
    filter: () => true,
    deliver: (events: CacheEvent<KubeObject>[]) => (seen.push(...events.map((e) => `${e.type} ${e.object.metadata.name}@${e.revision}`)), true),
    close: () => undefined,
  });
  return seen;
}

describe('WatchCache: the window of recent changes', () => {
  it('forgets whole revisions only, so a resume never misses part of one', () => {
    const cache = new WatchCache<KubeObject>({ capacity: 3 });
    cache.replace([], 9);
    cache.apply([put('a', 10), put('b', 10)], 10);
    cache.apply([put('c', 11), put('d', 11)], 11);
    // Revision 10 had to go as a whole: a watch from 9 cannot be served without it.
    expect(() => collect(cache, 9)).to.throw(TooOldResourceVersion, 'too old resource version: 9 (10)');
    expect(collect(cache, 10)).to.deep.equal(['ADDED c@11', 'ADDED d@11']);
  });

  it('cannot resume from before a fresh list, whose gap it never saw', () => {
    const cache = new WatchCache<KubeObject>();
    cache.replace([], 5);
    cache.apply([put('a', 6)], 6);
    cache.replace([{ key: '/r/a', value: Buffer.from('{"metadata":{"name":"a"}}'), createRevision: 6, modRevision: 6 }], 20);
    expect(() => collect(cache, 6)).to.throw(TooOldResourceVersion);
    expect(collect(cache, 20)).to.deep.equal([]);
    expect(collect(cache, undefined)).to.deep.equal(['ADDED a@20']);
  });

  it('decodes nothing until someone reads', () => {
    const cache = new WatchCache<KubeObject>({ log: () => undefined });
    cache.apply([{ type: 'put', kv: { key: '/r/bad', value: Buffer.from('not json'), createRevision: 1, modRevision: 1 } }], 1);
    expect(cache.get('/r/bad')).to.equal(undefined);
    expect(cache.list().items).to.deep.equal([]);
  });
});

describe('WatchCache: following etcd\'s revision through progress notifications', () => {
  it('asks for progress while a watch waits for a newer revision, and lets it start once etcd answers', async () => {
    let asked = 0;
    const cache = new WatchCache<KubeObject>({ requestProgress: () => asked++ });
    cache.replace([], 5);
    const waiting = cache.waitFor(7, 3000);
    expect(asked).to.equal(1);
    cache.progress(7);
    await waiting;
    expect(cache.revision).to.equal(7);
    expect(collect(cache, 7)).to.deep.equal([]);
  });
});
