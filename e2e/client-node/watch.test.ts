import * as k8s from '@kubernetes/client-node';
import { expect } from 'chai';
import { call, service, startTestApiServer } from '../../apiserver/testing/server.js';
import { kubeConfig } from './config.js';

async function until(what: string, ok: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** client-node's Watch and informer against the server's watch cache. */
describe('e2e: @kubernetes/client-node 1.4 Watch and informer', function () {
  this.timeout(60_000);
  let server: Awaited<ReturnType<typeof startTestApiServer>>;
  let kc: k8s.KubeConfig;
  let core: k8s.CoreV1Api;
  const path = '/api/v1/namespaces/default/services';
  const api = async (method: string, url: string, body?: unknown, type?: string) => {
    const res = await call(server.url, method, url, body, type);
    if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };

  before(async () => {
    // Watches end after 2 s here, so the informer's re-watch is exercised too.
    server = await startTestApiServer({ watchLimits: { maxWatchers: 100, maxSeconds: 2, maxBufferedBytes: 1 << 20, bookmarkEveryMs: 60_000 } });
    kc = kubeConfig(server.url);
    core = kc.makeApiClient(k8s.CoreV1Api);
    await api('POST', path, service('w0'));
  });
  after(async () => server?.close());

  it('Watch from resourceVersion 0: ADDED for what exists, then live events, as raw JSON', async () => {
    const events: [string, any][] = [];
    let ended: unknown = 'open';
    const watch = new k8s.Watch(kc);
    const bookmarks: any[] = [];
    const ctl = await watch.watch(path, { resourceVersion: '0', allowWatchBookmarks: true }, (type, obj) => (type === 'BOOKMARK' ? bookmarks : events).push([type, obj]), (err) => (ended = err));
    try {
      await until('the initial events', () => events.length >= 2);
      expect(events.map(([t, o]) => `${t} ${o.metadata.name}`).sort()).to.deep.equal(['ADDED kubernetes', 'ADDED w0']);
      await api('POST', path, service('w1'));
      await api('PATCH', `${path}/w1`, { metadata: { labels: { a: '1' } } }, 'application/merge-patch+json');
      await api('DELETE', `${path}/w1`);
      await until('the live events', () => events.length >= 5);
      expect(events.slice(2).map(([t, o]) => `${t} ${o.metadata.name}`)).to.deep.equal(['ADDED w1', 'MODIFIED w1', 'DELETED w1']);
      const [, modified] = events[3]!;
      expect(modified.metadata.labels).to.deep.equal({ a: '1' });
      // Watch callbacks get the JSON as sent: timestamps stay strings.
      expect(modified.metadata.creationTimestamp).to.be.a('string');
      expect(modified.spec.clusterIPs).to.deep.equal([modified.spec.clusterIP]);
      // Bookmarks (the server sends one ahead of its 2 s cut) carry only the kind and a resourceVersion.
      for (const [, b] of bookmarks) expect(b).to.deep.equal({ kind: 'Service', apiVersion: 'v1', metadata: { resourceVersion: b.metadata.resourceVersion } });
      await until('the server to end the watch', () => ended !== 'open');
      expect(ended).to.equal(null);
    } finally {
      ctl.abort();
    }
  });

  it('Watch from a list\'s resourceVersion gets only newer events', async () => {
    const list = await core.listNamespacedService({ namespace: 'default' });
    const events: string[] = [];
    const ctl = await new k8s.Watch(kc).watch(path, { resourceVersion: list.metadata!.resourceVersion }, (type, obj) => events.push(`${type} ${obj.metadata.name}`), () => undefined);
    try {
      await api('POST', path, service('w2'));
      await until('the ADDED event', () => events.length >= 1);
      await new Promise((r) => setTimeout(r, 200));
      expect(events).to.deep.equal(['ADDED w2']);
    } finally {
      ctl.abort();
    }
  });

  it('Watch from a compacted resourceVersion gets an ERROR 410 event, then the stream ends', async () => {
    const events: [string, any][] = [];
    let ended: unknown = 'open';
    await new k8s.Watch(kc).watch(path, { resourceVersion: '1' }, (type, obj) => events.push([type, obj]), (err) => (ended = err));
    await until('the end of the stream', () => ended !== 'open');
    expect(ended).to.equal(null);
    expect(events).to.have.length(1);
    expect(events[0]![0]).to.equal('ERROR');
    expect(events[0]![1]).to.include({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Expired', code: 410 });
    expect(events[0]![1].message).to.match(/^too old resource version: 1 \(\d+\)$/);
  });

  it('an informer with a label selector sees an object leave and come back', async () => {
    const informer = k8s.makeInformer(kc, path, () => core.listNamespacedService({ namespace: 'default', labelSelector: 'tier=fe' }), 'tier=fe');
    const seen: string[] = [];
    informer.on('add', (o) => seen.push(`add ${o.metadata!.name}`));
    informer.on('update', (o) => seen.push(`update ${o.metadata!.name}`));
    informer.on('delete', (o) => seen.push(`delete ${o.metadata!.name}`));
    await api('POST', path, service('fe', {}, { labels: { tier: 'fe' } }));
    await informer.start();
    try {
      await until('the listed object', () => seen.length >= 1);
      const tier = (value: string) => api('PATCH', `${path}/fe`, { metadata: { labels: { tier: value } } }, 'application/merge-patch+json');
      await tier('be');
      await until('the delete', () => seen.includes('delete fe'));
      expect(informer.list('default')).to.deep.equal([]);
      await tier('fe');
      await until('the add', () => seen.length >= 3);
      expect(seen).to.deep.equal(['add fe', 'delete fe', 'add fe']);
      expect(informer.get('fe', 'default')?.metadata?.labels).to.deep.equal({ tier: 'fe' });
    } finally {
      await informer.stop();
      await api('DELETE', `${path}/fe`);
    }
  });

  it('makeInformer: add, update and delete callbacks fire, also across the server closing the watch', async () => {
    const informer = k8s.makeInformer(kc, path, () => core.listNamespacedService({ namespace: 'default' }));
    const seen: string[] = [];
    const errors: unknown[] = [];
    informer.on('add', (o) => seen.push(`add ${o.metadata!.name}`));
    informer.on('update', (o) => seen.push(`update ${o.metadata!.name} ${o.metadata!.labels?.step ?? ''}`));
    informer.on('delete', (o) => seen.push(`delete ${o.metadata!.name}`));
    informer.on('error', (err) => errors.push(err));
    await informer.start();
    try {
      await until('the listed objects', () => seen.length >= 3);
      expect(seen.slice().sort()).to.deep.equal(['add kubernetes', 'add w0', 'add w2']);
      // Typed objects from the list: timestamps are Dates.
      expect(informer.get('w0', 'default')?.metadata?.creationTimestamp).to.be.instanceOf(Date);
      await api('POST', path, service('inf'));
      await api('PATCH', `${path}/inf`, { metadata: { labels: { step: 'one' } } }, 'application/merge-patch+json');
      await until('add and update', () => seen.includes('update inf one'));
      // The server ends every watch after 2 s; the informer watches again from its last resourceVersion.
      await new Promise((r) => setTimeout(r, 2500));
      await api('PATCH', `${path}/inf`, { metadata: { labels: { step: 'two' } } }, 'application/merge-patch+json');
      await api('DELETE', `${path}/inf`);
      await until('the delete', () => seen.includes('delete inf'));
      expect(seen.slice(3)).to.deep.equal(['add inf', 'update inf one', 'update inf two', 'delete inf']);
      expect(informer.list('default').map((s) => s.metadata!.name).sort()).to.deep.equal(['kubernetes', 'w0', 'w2']);
      expect(errors).to.deep.equal([]);
    } finally {
      await informer.stop();
    }
  });
});
