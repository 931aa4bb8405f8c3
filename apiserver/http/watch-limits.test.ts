import { expect } from 'chai';
import { connect, type Socket } from 'node:net';
import { call, service, startTestApiServer, WatchStream } from '../testing/server.js';

const path = '/api/v1/namespaces/default/services';

/** A watch whose client never reads: the socket is paused right after the request is sent. */
function stalledWatch(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`GET ${path}?watch=true HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
      socket.once('data', () => {
        socket.pause();
        resolve(socket);
      });
    });
    socket.on('error', reject);
  });
}

describe('apiserver: watches cannot exhaust the server', function () {
  this.timeout(120_000);

  describe('300 idle watchers', () => {
    let server: Awaited<ReturnType<typeof startTestApiServer>>;
    const streams: WatchStream[] = [];
    before(async () => {
      server = await startTestApiServer({ watchLimits: { maxWatchers: 300, maxSeconds: 600, maxBufferedBytes: 1 << 20, bookmarkEveryMs: 60_000 } });
    });
    after(async () => {
      for (const s of streams) s.close();
      await server?.close();
    });

    it('are all served, and the server stays quick for everything else', async () => {
      for (let i = 0; i < 300; i += 50) {
        streams.push(...(await Promise.all(Array.from({ length: 50 }, () => WatchStream.open(server.url, `${path}?watch=true`)))));
      }
      // Every watcher got the synthetic ADDED of the kubernetes Service: each one is live.
      await Promise.all(streams.map((s) => s.waitFor(1)));
      const t0 = Date.now();
      expect((await call(server.url, 'GET', '/healthz')).status).to.equal(200);
      const created = await call(server.url, 'POST', path, service('busy'));
      expect(created.status).to.equal(201);
      expect((await call(server.url, 'GET', path)).status).to.equal(200);
      expect(Date.now() - t0).to.be.below(2000);
      // ...and the change reaches all 300.
      await Promise.all(streams.map((s) => s.waitFor(2)));
      expect(streams.every((s) => s.events[1]!.type === 'ADDED' && s.events[1]!.object.metadata.name === 'busy')).to.equal(true);
    });

    it('one more is refused with 429 and Retry-After, until one closes', async () => {
      const refused = await fetch(`${server.url}${path}?watch=true`);
      expect(refused.status).to.equal(429);
      expect(refused.headers.get('retry-after')).to.equal('1');
      expect(await refused.json()).to.deep.include({ reason: 'TooManyRequests', code: 429, message: 'Too many requests: too many watches open, please try again later' });
      streams.pop()!.close();
      const deadline = Date.now() + 5000;
      let again: WatchStream | undefined;
      while (!again && Date.now() < deadline) {
        again = await WatchStream.open(server.url, `${path}?watch=true`).catch(() => undefined);
        if (!again) await new Promise((r) => setTimeout(r, 50));
      }
      expect(again).to.not.equal(undefined);
      streams.push(again!);
    });
  });

  describe('long and stalled watches', () => {
    let server: Awaited<ReturnType<typeof startTestApiServer>>;
    before(async () => {
      server = await startTestApiServer({ watchLimits: { maxWatchers: 1, maxSeconds: 2, maxBufferedBytes: 64 << 10, bookmarkEveryMs: 60_000 } });
    });
    after(async () => server?.close());

    it('a watch without timeoutSeconds (as kubectl get -w sends it) ends at the server\'s limit', async () => {
      const t0 = Date.now();
      const stream = await WatchStream.open(server.url, `${path}?watch=true`);
      await stream.waitEnded(10_000);
      expect((Date.now() - t0) / 1000).to.be.within(1.5, 4);
    });

    it('a client that stops reading is cut off once its backlog passes the limit: slot freed, connection dropped', async () => {
      await call(server.url, 'POST', path, service('big'));
      const socket = await stalledWatch(server.port);
      let closed = false;
      socket.on('close', () => (closed = true));
      socket.on('error', () => undefined);
      try {
        expect((await call(server.url, 'GET', `${path}?watch=true`)).status).to.equal(429);
        const slotFree = async () => {
          const res = await fetch(`${server.url}${path}?watch=true&timeoutSeconds=1`);
          await res.body?.cancel();
          return res.status === 200;
        };
        // 200 KiB annotations: the unread events fill the socket buffers, then the server's own.
        let freed = false;
        for (let i = 0; i < 80 && !freed; i++) {
          const patched = await call(server.url, 'PATCH', `${path}/big`, { metadata: { annotations: { blob: String(i).padEnd(200_000, 'x') } } }, 'application/merge-patch+json');
          expect(patched.status).to.equal(200);
          freed = await slotFree();
        }
        expect(freed, 'the stalled watch still holds its slot').to.equal(true);
        // Its connection is gone too: reading now reaches the end instead of waiting for more.
        socket.resume();
        const deadline = Date.now() + 10_000;
        while (!closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        expect(closed, 'the stalled watch\'s connection is still open').to.equal(true);
      } finally {
        socket.destroy();
      }
    });
  });
});
