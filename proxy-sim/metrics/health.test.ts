import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseBindAddress } from './bind-address.js';
import { goTimeString, ProxierHealth, type GoTime } from './health.js';
import { ProxyMetrics } from './metrics.js';

describe('proxy-sim health: kube-proxy 1.33 semantics', () => {
  it("formats times as Go's Time.String()", () => {
    expect(goTimeString({ wallMs: Date.UTC(2025, 3, 1, 10, 40, 14, 386), monotonic: 1187.785155612 })).to.equal('2025-04-01 10:40:14.386 +0000 UTC m=+1187.785155612');
    expect(goTimeString({ wallMs: Date.UTC(2025, 3, 1, 10, 40, 14, 500) })).to.equal('2025-04-01 10:40:14.5 +0000 UTC');
    expect(goTimeString({ wallMs: Date.UTC(2025, 3, 1, 10, 40, 14, 0) })).to.equal('2025-04-01 10:40:14 +0000 UTC');
    expect(goTimeString({ wallMs: new Date('0001-01-01T00:00:00Z').getTime() })).to.equal('0001-01-01 00:00:00 +0000 UTC');
  });

  describe('ProxierHealth', () => {
    let now: GoTime;
    const clock = { now: () => now };
    const at = (s: number): GoTime => ({ wallMs: 1_700_000_000_000 + s * 1000, monotonic: s });
    beforeEach(() => (now = at(0)));

    it('is healthy while starting up, and while a queued update is younger than the timeout', () => {
      const h = new ProxierHealth(60_000, clock);
      expect(h.health().healthy).to.equal(true);
      h.queuedUpdate('IPv4');
      // A family that never synced is not judged, as upstream only walks lastUpdated.
      now = at(120);
      expect(h.health().healthy).to.equal(true);
      h.updated('IPv4');
      h.queuedUpdate('IPv4');
      now = at(179);
      expect(h.health().healthy).to.equal(true);
    });

    it('is unhealthy once an update waited longer than the timeout, until a sync applies it', () => {
      const h = new ProxierHealth(60_000, clock);
      h.updated('IPv4');
      h.updated('IPv6');
      now = at(10);
      h.queuedUpdate('IPv6');
      now = at(30);
      h.queuedUpdate('IPv6'); // only the oldest pending update counts
      now = at(70);
      expect(h.health()).to.deep.equal({ healthy: false, lastUpdated: at(0) });
      h.updated('IPv6');
      expect(h.health()).to.deep.equal({ healthy: true, lastUpdated: at(70) });
    });

    it('answers 503 with the last update time, and counts /healthz and /livez answers', async () => {
      const h = new ProxierHealth(60_000, clock);
      const metrics = new ProxyMetrics();
      const server: Server = createServer(h.handler(metrics));
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      try {
        h.updated('IPv4');
        h.queuedUpdate('IPv4');
        now = at(61);
        const healthz = await fetch(`${base}/healthz`);
        expect(healthz.status).to.equal(503);
        expect(await healthz.text()).to.equal('{"lastUpdated": "2023-11-14 22:13:20 +0000 UTC m=+0.000000000","currentTime": "2023-11-14 22:14:21 +0000 UTC m=+61.000000000", "nodeEligible": true}');
        const livez = await fetch(`${base}/livez`);
        expect(livez.status).to.equal(503);
        expect(await livez.text()).to.equal('{"lastUpdated": "2023-11-14 22:13:20 +0000 UTC m=+0.000000000","currentTime": "2023-11-14 22:14:21 +0000 UTC m=+61.000000000"}');
        h.updated('IPv4');
        const ok = await fetch(`${base}/healthz`);
        expect(ok.status).to.equal(200);
        // A healthy answer shows "now" as lastUpdated, as upstream does for older clients.
        expect(JSON.parse(await ok.text()).lastUpdated).to.equal('2023-11-14 22:14:21 +0000 UTC m=+61.000000000');
        expect((await fetch(`${base}/other`)).status).to.equal(404);
        const text = await metrics.registry.metrics();
        expect(text).to.include('kubeproxy_proxy_healthz_total{code="503"} 1');
        expect(text).to.include('kubeproxy_proxy_healthz_total{code="200"} 1');
        expect(text).to.include('kubeproxy_proxy_livez_total{code="503"} 1');
      } finally {
        server.close();
      }
    });
  });

  describe('--metrics-bind-address and --healthz-bind-address', () => {
    const cases: [string, ReturnType<typeof parseBindAddress> | string][] = [
      ['127.0.0.1:10249', { host: '127.0.0.1', port: 10249 }],
      ['0.0.0.0', { host: '0.0.0.0', port: 10256 }],
      ['[::1]:0', { host: '::1', port: 0 }],
      ['::', { host: '::', port: 10256 }],
      ['', undefined],
      ['localhost:10249', '"localhost" is not a valid IP address'],
      ['1.2.3.4:http', '"http" is not a valid number'],
      ['1.2.3.4:70000', '"70000" is not a valid number'],
      ['1.2.3.4:1:2', '"1.2.3.4:1:2" is not in a valid format (ip or ip:port): address 1.2.3.4:1:2: too many colons in address'],
      ['nonsense', '"nonsense" is not in a valid format (ip or ip:port): address nonsense: missing port in address'],
    ];
    for (const [input, want] of cases) {
      it(`${JSON.stringify(input)} -> ${JSON.stringify(want)}`, () => {
        if (typeof want === 'string') expect(() => parseBindAddress(input, 10256)).to.throw(want);
        else expect(parseBindAddress(input, 10256)).to.deep.equal(want);
      });
    }
  });
});
