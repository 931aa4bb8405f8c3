import * as k8s from '@kubernetes/client-node';
import { expect } from 'chai';
import { call, service, startTestApiServer } from '../../apiserver/testing/server.js';
import { kubeConfig } from './config.js';

/**
 * A list's resourceVersion is etcd's global revision, which another kind's write may have
 * moved past every Service change; a watch from it must still start at once, as upstream's
 * watch cache does by following etcd's progress notifications.
 */
describe('e2e: @kubernetes/client-node Watch from a list\'s resourceVersion on an idle cluster', function () {
  this.timeout(60_000);
  let server: Awaited<ReturnType<typeof startTestApiServer>>;
  let kc: k8s.KubeConfig;
  const path = '/api/v1/namespaces/default/services';

  beforeEach(async () => {
    server = await startTestApiServer();
    kc = kubeConfig(server.url);
  });
  afterEach(async () => server?.close());

  async function watchFromList(): Promise<void> {
    const list = await kc.makeApiClient(k8s.CoreV1Api).listNamespacedService({ namespace: 'default' });
    const events: string[] = [];
    let ended: unknown = 'open';
    const started = Date.now();
    const ctl = await new k8s.Watch(kc).watch(path, { resourceVersion: list.metadata!.resourceVersion }, (type, obj) => events.push(`${type} ${obj.metadata.name}`), (err) => (ended = err));
    try {
      // Upstream gives up after 3 s with 504 "Too large resource version".
      const answered = Date.now() - started;
      const created = await call(server.url, 'POST', path, service('next'));
      expect(created.status).to.equal(201);
      const deadline = Date.now() + 5000;
      while (events.length === 0 && ended === 'open' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(ended, 'the watch ended').to.equal('open');
      expect(events).to.deep.equal(['ADDED next']);
      expect(answered, 'ms until the watch started').to.be.lessThan(2500);
    } finally {
      ctl.abort();
    }
  }

  it('right after start, when the last write was the kubernetes Endpoints', async () => {
    await watchFromList();
  });

  it('after another kind was written last', async () => {
    const ep = await call(server.url, 'POST', '/api/v1/namespaces/default/endpoints', { metadata: { name: 'other' }, subsets: [] });
    expect(ep.status).to.equal(201);
    await watchFromList();
  });
});
