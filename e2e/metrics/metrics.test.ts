import { expect } from 'chai';
import { call, service, startTestApiServer } from '../../apiserver/testing/server.js';
import { LiveRun } from '../../proxy-sim/testing/live.js';
import { sharedEtcd } from '../../shared/testing/etcd.js';
import { eventually } from '../../shared/testing/eventually.js';
import { Scrape } from './scrape.js';

const POST_SERVICES = { verb: 'POST', resource: 'services', code: '201', group: '', version: 'v1', scope: 'resource', component: 'apiserver', dry_run: '' };

describe('/metrics of the apiserver and proxy-sim, scraped with a Prometheus parser (real etcd)', function () {
  this.timeout(90_000);
  let server: Awaited<ReturnType<typeof startTestApiServer>>;
  let proxy: LiveRun;
  before(async () => {
    server = await startTestApiServer({ serviceClusterIPRange: '10.96.0.0/24' });
    proxy = await LiveRun.start((await sharedEtcd()).endpoints, server.prefix, {
      metricsBindAddress: { host: '127.0.0.1', port: 0 },
      healthzBindAddress: { host: '127.0.0.1', port: 0 },
    });
  });
  after(async () => {
    await proxy?.handle?.stop();
    await server?.close();
  });
  const apiserver = () => Scrape.of(`${server.url}/metrics`);

  it('a create counts as POST services 201, one more stored object and one more allocated IP', async () => {
    // The count comes from the watch-fed cache: wait until it holds the bootstrap's `kubernetes` Service.
    await eventually(async () => expect((await apiserver()).value('apiserver_storage_objects', { resource: 'services' })).to.equal(1));
    const before = await apiserver();
    expect(before.types.get('apiserver_request_total')).to.equal('COUNTER');
    expect(before.types.get('apiserver_request_duration_seconds')).to.equal('HISTOGRAM');
    const created = await call(server.url, 'POST', '/api/v1/namespaces/default/services', service('metrics-a'));
    expect(created.status).to.equal(201);
    expect((await call(server.url, 'POST', '/api/v1/namespaces/default/services', service('metrics-a'))).status).to.equal(409);
    expect((await call(server.url, 'POST', '/api/v1/namespaces/default/services', service('metrics-b', { clusterIP: created.body.spec.clusterIP }))).status).to.equal(422);
    const after = await apiserver();

    expect(after.value('apiserver_request_total', POST_SERVICES) - before.value('apiserver_request_total', POST_SERVICES)).to.equal(1);
    expect(after.value('apiserver_request_total', { ...POST_SERVICES, code: '409' }) - before.value('apiserver_request_total', { ...POST_SERVICES, code: '409' })).to.equal(1);
    const durationLabels: Record<string, string> = { ...POST_SERVICES };
    delete durationLabels.code;
    expect(after.value('apiserver_request_duration_seconds_count', durationLabels) - before.value('apiserver_request_duration_seconds_count', durationLabels)).to.equal(3);
    expect(after.value('apiserver_request_duration_seconds_bucket', { ...durationLabels, le: '60' })).to.equal(after.value('apiserver_request_duration_seconds_count', durationLabels));

    await eventually(async () => expect((await apiserver()).value('apiserver_storage_objects', { resource: 'services' })).to.equal(2));
    const cidr = { cidr: '10.96.0.0/24' };
    expect(after.value('kube_apiserver_clusterip_allocator_allocated_ips', cidr) - before.value('kube_apiserver_clusterip_allocator_allocated_ips', cidr)).to.equal(1);
    expect(after.value('kube_apiserver_clusterip_allocator_available_ips', cidr)).to.equal(254 - after.value('kube_apiserver_clusterip_allocator_allocated_ips', cidr));
    const allocations = (scope: string) => after.value('kube_apiserver_clusterip_allocator_allocation_total', { ...cidr, scope }) - before.value('kube_apiserver_clusterip_allocator_allocation_total', { ...cidr, scope });
    expect(allocations('dynamic')).to.be.at.least(1);
    const errors = after.value('kube_apiserver_clusterip_allocator_allocation_errors_total', { ...cidr, scope: 'static' }) - before.value('kube_apiserver_clusterip_allocator_allocation_errors_total', { ...cidr, scope: 'static' });
    expect(errors).to.equal(1);

    expect(after.value('etcd_request_duration_seconds_count', { operation: 'create', type: 'services' }) - before.value('etcd_request_duration_seconds_count', { operation: 'create', type: 'services' })).to.be.at.least(1);
    expect(after.value('clusterip_lab_apiserver_txn_batch_size_count')).to.be.greaterThan(before.value('clusterip_lab_apiserver_txn_batch_size_count'));
  });

  it('a list counts as LIST, a GET of one object as GET, an open watch in apiserver_longrunning_requests', async () => {
    await call(server.url, 'GET', '/api/v1/namespaces/default/services');
    await call(server.url, 'GET', '/api/v1/namespaces/default/services/metrics-a');
    const watch = new AbortController();
    const res = await fetch(`${server.url}/api/v1/namespaces/default/services?watch=true`, { signal: watch.signal });
    expect(res.status).to.equal(200);
    const watching = await apiserver();
    expect(watching.value('apiserver_request_total', { verb: 'LIST', resource: 'services', scope: 'namespace', code: '200' })).to.be.at.least(1);
    expect(watching.value('apiserver_request_total', { verb: 'GET', resource: 'services', scope: 'resource', code: '200' })).to.be.at.least(1);
    expect(watching.value('apiserver_longrunning_requests', { verb: 'WATCH', resource: 'services', scope: 'namespace' })).to.equal(1);
    watch.abort();
    await eventually(async () => {
      expect((await apiserver()).value('apiserver_longrunning_requests', { verb: 'WATCH', resource: 'services' })).to.equal(0);
    });
  });

  it('proxy-sim counts its syncs and the network programming latency of a mirrored slice', async () => {
    await eventually(() => expect(proxy.handle!.telemetry.metricsAddress).to.be.a('string'));
    const scrape = () => Scrape.of(`http://${proxy.handle!.telemetry.metricsAddress}/metrics`);
    const before = await scrape();
    expect(before.types.get('kubeproxy_sync_proxy_rules_duration_seconds')).to.equal('HISTOGRAM');
    expect(before.value('kubeproxy_sync_full_proxy_rules_duration_seconds_count', { ip_family: 'IPv4' })).to.be.at.least(1);

    // Selectorless: only such a Service's Endpoints are mirrored, as upstream.
    await call(server.url, 'POST', '/api/v1/namespaces/default/services', service('metrics-web', { selector: undefined }));
    const ep = await call(server.url, 'POST', '/api/v1/namespaces/default/endpoints', {
      metadata: { name: 'metrics-web' },
      subsets: [{ addresses: [{ ip: '10.244.0.5', nodeName: 'node-1' }], ports: [{ name: 'http', port: 8080 }] }],
    });
    expect(ep.status).to.equal(201);
    const slices = await call(server.url, 'GET', '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices');
    const mirror = slices.body.items.find((s: any) => s.metadata.labels['kubernetes.io/service-name'] === 'metrics-web');
    expect(Date.parse(mirror.metadata.annotations['endpoints.kubernetes.io/last-change-trigger-time'])).to.be.closeTo(Date.now(), 60_000);

    await proxy.waitForSync(/EndpointSlice default\/metrics-web/);
    await eventually(async () => {
      const after = await scrape();
      expect(after.value('kubeproxy_network_programming_duration_seconds_count', { ip_family: 'IPv4' })).to.be.greaterThan(before.value('kubeproxy_network_programming_duration_seconds_count', { ip_family: 'IPv4' }));
      expect(after.value('kubeproxy_sync_partial_proxy_rules_duration_seconds_count', { ip_family: 'IPv4' })).to.be.greaterThan(before.value('kubeproxy_sync_partial_proxy_rules_duration_seconds_count', { ip_family: 'IPv4' }));
      expect(after.value('kubeproxy_sync_proxy_rules_duration_seconds_count', { ip_family: 'IPv4' })).to.equal(
        after.value('kubeproxy_sync_full_proxy_rules_duration_seconds_count', { ip_family: 'IPv4' }) + after.value('kubeproxy_sync_partial_proxy_rules_duration_seconds_count', { ip_family: 'IPv4' }),
      );
      expect(after.value('kubeproxy_sync_proxy_rules_iptables_restore_failures_total', { ip_family: 'IPv4' })).to.equal(0);
    });
  });

  it('a failed restore counts in kubeproxy_sync_proxy_rules_iptables_restore_failures_total', async () => {
    // The "restore" writes --output-file; a file in a directory that does not exist cannot be written.
    const failing = await LiveRun.start((await sharedEtcd()).endpoints, server.prefix, {
      outputFile: `/nonexistent-${process.pid}/rules`,
      metricsBindAddress: { host: '127.0.0.1', port: 0 },
    });
    try {
      await eventually(async () => {
        const address = failing.handle!.telemetry.metricsAddress;
        expect(address).to.be.a('string');
        const scrape = await Scrape.of(`http://${address}/metrics`);
        expect(scrape.value('kubeproxy_sync_proxy_rules_iptables_restore_failures_total', { ip_family: 'IPv4' })).to.equal(1);
        expect(scrape.value('kubeproxy_sync_full_proxy_rules_duration_seconds_count', { ip_family: 'IPv4' })).to.equal(1);
        expect(scrape.value('kubeproxy_sync_proxy_rules_last_timestamp_seconds', { ip_family: 'IPv4' })).to.equal(0);
      });
      expect(failing.err.join('\n')).to.include('IPv4 sync failed');
    } finally {
      await failing.handle?.stop();
    }
  });

  it('proxy-sim answers /healthz and /livez as kube-proxy', async () => {
    await eventually(() => expect(proxy.handle!.telemetry.healthzAddress).to.be.a('string'));
    const healthz = await fetch(`http://${proxy.handle!.telemetry.healthzAddress}/healthz`);
    expect(healthz.status).to.equal(200);
    expect(healthz.headers.get('content-type')).to.equal('application/json');
    const body = await healthz.text();
    expect(body).to.match(/^\{"lastUpdated": "\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? \+0000 UTC m=\+\d+\.\d{9}","currentTime": "[^"]+", "nodeEligible": true\}$/);
    const livez = await fetch(`http://${proxy.handle!.telemetry.healthzAddress}/livez`);
    expect(livez.status).to.equal(200);
    expect(Object.keys(JSON.parse(await livez.text()))).to.deep.equal(['lastUpdated', 'currentTime']);
    const scrape = await Scrape.of(`http://${proxy.handle!.telemetry.metricsAddress}/metrics`);
    expect(scrape.value('kubeproxy_proxy_healthz_total', { code: '200' })).to.equal(1);
  });
});
