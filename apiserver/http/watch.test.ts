import { expect } from 'chai';
import { call, service, startTestApiServer, WatchStream } from '../testing/server.js';

describe('apiserver: watch over HTTP from the watch cache', function () {
  this.timeout(60_000);
  let server: Awaited<ReturnType<typeof startTestApiServer>>;
  const path = '/api/v1/namespaces/default/services';
  before(async () => {
    server = await startTestApiServer({ watchLimits: { maxWatchers: 20, maxSeconds: 2, maxBufferedBytes: 64 << 10, bookmarkEveryMs: 60_000 } });
  });
  after(async () => server?.close());

  it('sends ADDED for the current state without a resourceVersion, then live changes', async () => {
    await call(server.url, 'POST', path, service('w1'));
    const stream = await WatchStream.open(server.url, `${path}?watch=true`);
    await stream.waitFor(2);
    expect(stream.events.map((e) => `${e.type} ${e.object.metadata.name}`)).to.have.members(['ADDED kubernetes', 'ADDED w1']);
    await call(server.url, 'POST', path, service('w2'));
    await call(server.url, 'DELETE', `${path}/w2`);
    await stream.waitFor(4);
    expect(stream.events.slice(2).map((e) => `${e.type} ${e.object.metadata.name}`)).to.deep.equal(['ADDED w2', 'DELETED w2']);
    const deleted = stream.events[3]!.object;
    expect(Number(deleted.metadata.resourceVersion)).to.be.greaterThan(Number(stream.events[2]!.object.metadata.resourceVersion));
    stream.close();
  });

  it('sends only newer events after the resourceVersion of a list, and honours fieldSelector', async () => {
    const list = await call(server.url, 'GET', path);
    const stream = await WatchStream.open(server.url, `${path}?watch=true&resourceVersion=${list.body.metadata.resourceVersion}&fieldSelector=metadata.name%3Dw3`);
    await call(server.url, 'POST', path, service('other'));
    await call(server.url, 'POST', path, service('w3'));
    await stream.waitFor(1);
    await new Promise((r) => setTimeout(r, 200));
    expect(stream.events.map((e) => `${e.type} ${e.object.metadata.name}`)).to.deep.equal(['ADDED w3']);
    stream.close();
  });

  it('with a selector, an object that starts matching is ADDED and one that stops matching is DELETED', async () => {
    await call(server.url, 'POST', path, service('sel', {}, { labels: { app: 'a' } }));
    const list = await call(server.url, 'GET', path);
    const stream = await WatchStream.open(server.url, `${path}?watch=true&labelSelector=app%3Da&resourceVersion=${list.body.metadata.resourceVersion}`);
    const relabel = (app: string) => call(server.url, 'PATCH', `${path}/sel`, { metadata: { labels: { app } } }, 'application/merge-patch+json');
    const left = await relabel('b');
    await relabel('c');
    const back = await relabel('a');
    await call(server.url, 'PATCH', `${path}/sel`, { metadata: { annotations: { x: '1' } } }, 'application/merge-patch+json');
    await stream.waitFor(3);
    await new Promise((r) => setTimeout(r, 200));
    expect(stream.events.map((e) => `${e.type} ${e.object.metadata.labels.app}`)).to.deep.equal(['DELETED a', 'ADDED a', 'MODIFIED a']);
    // The DELETED event shows the object as it last matched, at the revision of the change that made it leave.
    expect(stream.events[0]!.object.metadata.resourceVersion).to.equal(left.body.metadata.resourceVersion);
    expect(stream.events[1]!.object.metadata.resourceVersion).to.equal(back.body.metadata.resourceVersion);
    // Resuming from before the changes replays them the same way.
    const replay = await WatchStream.open(server.url, `${path}?watch=true&labelSelector=app%3Da&resourceVersion=${list.body.metadata.resourceVersion}`);
    await replay.waitFor(3);
    expect(replay.events.map((e) => e.type)).to.deep.equal(['DELETED', 'ADDED', 'MODIFIED']);
    stream.close();
    replay.close();
  });

  it('answers a compacted-away resourceVersion with a 410 ERROR event and closes', async () => {
    const stream = await WatchStream.open(server.url, `${path}?watch=true&resourceVersion=1`);
    await stream.waitFor(1);
    await stream.waitEnded();
    const ev = stream.events[0]!;
    expect(ev.type).to.equal('ERROR');
    expect(ev.object).to.include({ kind: 'Status', status: 'Failure', reason: 'Expired', code: 410 });
    expect(ev.object.message).to.match(/^too old resource version: 1 \(\d+\)$/);
  });

  it('keeps the stream open until timeoutSeconds, bounded by the server, with a bookmark before the end', async () => {
    const t0 = Date.now();
    const stream = await WatchStream.open(server.url, `${path}?watch=true&timeoutSeconds=99999&allowWatchBookmarks=true&resourceVersion=0`);
    await stream.waitEnded(10_000);
    const seconds = (Date.now() - t0) / 1000;
    expect(seconds).to.be.within(1.5, 4);
    const bookmark = stream.events.find((e) => e.type === 'BOOKMARK');
    expect(bookmark?.object).to.deep.include({ kind: 'Service', apiVersion: 'v1' });
    expect(Number(bookmark?.object.metadata.resourceVersion)).to.be.greaterThan(0);
  });

  it('refuses watches beyond the limit with 429 and serves again once they close', async () => {
    const streams = await Promise.all(Array.from({ length: 20 }, () => WatchStream.open(server.url, `${path}?watch=true&timeoutSeconds=30`)));
    const refused = await call(server.url, 'GET', `${path}?watch=true`);
    expect(refused.status).to.equal(429);
    expect(refused.body.reason).to.equal('TooManyRequests');
    expect((await call(server.url, 'GET', '/healthz')).status).to.equal(200);
    for (const s of streams) s.close();
    await new Promise((r) => setTimeout(r, 300));
    const again = await WatchStream.open(server.url, `${path}?watch=true&timeoutSeconds=1`);
    await again.waitEnded();
  });
});
