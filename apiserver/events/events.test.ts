import { expect } from 'chai';
import { sharedClient } from '../../shared/testing/etcd.js';
import type { EventV1 } from '../../shared/api/events.js';
import { Store } from '../registry/store.js';
import { call, startTestApiServer } from '../testing/server.js';
import { LeaseManager } from './leases.js';
import { EventRecorder } from './recorder.js';
import { EventV1Strategy } from './strategy.js';

const CORE = '/api/v1/namespaces/default/events';
const V1 = '/apis/events.k8s.io/v1/namespaces/default/events';

const coreEvent = (name: string, over: Record<string, unknown> = {}) => ({
  metadata: { name },
  involvedObject: { kind: 'Service', namespace: 'default', name: 'web', uid: 'u-1', apiVersion: 'v1' },
  reason: 'ClusterIPNotAllocated',
  message: 'Cluster IP [IPv4]: 10.96.0.10 is not allocated; repairing',
  source: { component: 'ipallocator-repair-controller' },
  firstTimestamp: '2026-01-01T00:00:00Z',
  lastTimestamp: '2026-01-01T00:00:05Z',
  count: 2,
  type: 'Warning',
  ...over,
});

describe('apiserver: Events in core/v1 and events.k8s.io/v1', function () {
  this.timeout(60_000);
  let server: Awaited<ReturnType<typeof startTestApiServer>>;
  before(async () => {
    server = await startTestApiServer();
  });
  after(async () => server?.close());

  it('one stored object, read through both versions with upstream conversion', async () => {
    expect((await call(server.url, 'POST', CORE, coreEvent('web.1'))).status).to.equal(201);
    const v1 = await call(server.url, 'GET', `${V1}/web.1`);
    expect(v1.status).to.equal(200);
    expect(v1.body).to.deep.include({
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      regarding: { kind: 'Service', namespace: 'default', name: 'web', uid: 'u-1', apiVersion: 'v1' },
      reason: 'ClusterIPNotAllocated',
      note: 'Cluster IP [IPv4]: 10.96.0.10 is not allocated; repairing',
      deprecatedSource: { component: 'ipallocator-repair-controller' },
      deprecatedFirstTimestamp: '2026-01-01T00:00:00Z',
      deprecatedLastTimestamp: '2026-01-01T00:00:05Z',
      deprecatedCount: 2,
      type: 'Warning',
    });
    expect(v1.body).to.not.have.any.keys('involvedObject', 'message', 'source', 'count');

    const created = await call(server.url, 'POST', V1, {
      metadata: { name: 'web.2' },
      eventTime: '2026-01-01T00:00:00.000001Z',
      reportingController: 'example.com/ctl',
      reportingInstance: 'ctl-1',
      action: 'Allocate',
      reason: 'Allocated',
      regarding: { kind: 'Service', namespace: 'default', name: 'web' },
      note: 'done',
      type: 'Normal',
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    expect(created.body.regarding).to.deep.equal({ kind: 'Service', namespace: 'default', name: 'web' });
    const core = await call(server.url, 'GET', `${CORE}/web.2`);
    expect(core.body).to.deep.include({ apiVersion: 'v1', involvedObject: { kind: 'Service', namespace: 'default', name: 'web' }, message: 'done', reportingComponent: 'example.com/ctl', reportingInstance: 'ctl-1' });
    expect(core.body.metadata.resourceVersion).to.equal(created.body.metadata.resourceVersion);

    const v1List = await call(server.url, 'GET', V1);
    expect(v1List.body.kind).to.equal('EventList');
    expect(v1List.body.apiVersion).to.equal('events.k8s.io/v1');
    expect(v1List.body.items.map((e: any) => e.note)).to.include('done');
  });

  it('field selectors as kubectl describe sends them, in both versions', async () => {
    await call(server.url, 'POST', CORE, coreEvent('other.1', { involvedObject: { kind: 'Service', namespace: 'default', name: 'other', uid: 'u-2' }, type: 'Normal' }));
    const names = async (path: string, selector: string) => {
      const res = await call(server.url, 'GET', `${path}?fieldSelector=${encodeURIComponent(selector)}`);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      return res.body.items.map((e: any) => e.metadata.name).sort();
    };
    expect(await names(CORE, 'involvedObject.name=other,involvedObject.namespace=default,involvedObject.kind=Service,involvedObject.uid=u-2')).to.deep.equal(['other.1']);
    expect(await names(CORE, 'type=Warning,involvedObject.name=web')).to.deep.equal(['web.1']);
    expect(await names(CORE, 'source=example.com/ctl')).to.deep.equal(['web.2']);
    expect(await names(CORE, 'reportingComponent=example.com/ctl,reason=Allocated')).to.deep.equal(['web.2']);
    expect(await names(V1, 'regarding.name=other')).to.deep.equal(['other.1']);
    expect(await names(V1, 'reportingController=example.com/ctl')).to.deep.equal(['web.2']);
    const bad = await call(server.url, 'GET', `${V1}?fieldSelector=involvedObject.name%3Dweb`);
    expect(bad.status).to.equal(400);
    expect(bad.body.message).to.equal('field label not supported: involvedObject.name');
  });

  it('validation as upstream: strict for events.k8s.io/v1, legacy for core/v1', async () => {
    const strict = await call(server.url, 'POST', V1, { metadata: { name: 'bad' }, regarding: { kind: 'Service', namespace: 'default', name: 'web' }, type: 'Info', deprecatedCount: 3 });
    expect(strict.status).to.equal(422);
    expect(strict.body.message).to.equal(
      'Event.events.k8s.io "bad" is invalid: [eventTime: Required value, type: Invalid value: "": has invalid value: Info, count: Invalid value: "": needs to be unset]',
    );
    const mismatch = await call(server.url, 'POST', CORE, coreEvent('ns', { involvedObject: { kind: 'Service', namespace: 'kube-system', name: 'x' } }));
    expect(mismatch.status).to.equal(422);
    expect(mismatch.body.message).to.equal('Event "ns" is invalid: involvedObject.namespace: Invalid value: "kube-system": does not match event.namespace');
    const newStyle = await call(server.url, 'POST', CORE, coreEvent('new', { eventTime: '2026-01-01T00:00:00.000000Z' }));
    expect(newStyle.status).to.equal(422);
    expect(newStyle.body.message).to.equal('Event "new" is invalid: [reportingController: Required value, reportingController: Invalid value: "": name part must be non-empty, ' +
        "reportingController: Invalid value: \"\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]'), " +
        'reportingInstance: Required value, action: Required value]');
  });

  it('update, patch and delete through either version', async () => {
    const got = await call(server.url, 'GET', `${CORE}/web.1`);
    const put = await call(server.url, 'PUT', `${CORE}/web.1`, { ...got.body, count: 3 });
    expect(put.status).to.equal(200);
    const patched = await call(server.url, 'PATCH', `${CORE}/web.1`, { count: 4 }, 'application/merge-patch+json');
    expect(patched.status, JSON.stringify(patched.body)).to.equal(200);
    expect((await call(server.url, 'GET', `${V1}/web.1`)).body.deprecatedCount).to.equal(4);
    // events.k8s.io/v1 freezes what an event says, as upstream's ValidateEventUpdate does.
    const frozen = await call(server.url, 'PATCH', `${V1}/web.1`, { deprecatedCount: 5 }, 'application/merge-patch+json');
    expect(frozen.body.message).to.equal('Event.events.k8s.io "web.1" is invalid: count: Invalid value: 5: field is immutable');
    const labelled = await call(server.url, 'PATCH', `${V1}/web.1`, { metadata: { labels: { seen: 'yes' } } }, 'application/merge-patch+json');
    expect(labelled.status, JSON.stringify(labelled.body)).to.equal(200);
    const del = await call(server.url, 'DELETE', `${V1}/web.1`);
    expect(del.status).to.equal(200);
    expect(del.body).to.deep.include({ kind: 'Status', status: 'Success', details: { name: 'web.1', group: 'events.k8s.io', kind: 'events', uid: got.body.metadata.uid } });
    expect((await call(server.url, 'GET', `${CORE}/web.1`)).status).to.equal(404);
  });

  it('tables as upstream prints events', async () => {
    const res = await fetch(`${server.url}${CORE}?fieldSelector=involvedObject.name%3Dother`, { headers: { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' } });
    const table = (await res.json()) as any;
    expect(table.columnDefinitions.map((c: any) => c.name)).to.deep.equal(['Last Seen', 'Type', 'Reason', 'Object', 'Subobject', 'Source', 'Message', 'First Seen', 'Count', 'Name']);
    const cells = table.rows[0].cells;
    expect(cells.slice(1, 4)).to.deep.equal(['Normal', 'ClusterIPNotAllocated', 'service/other']);
    expect(cells.slice(5, 7)).to.deep.equal(['ipallocator-repair-controller', 'Cluster IP [IPv4]: 10.96.0.10 is not allocated; repairing']);
    expect(cells[8]).to.equal('2');
  });
});

describe('apiserver: Events expire with their --event-ttl lease', function () {
  this.timeout(60_000);
  let server: Awaited<ReturnType<typeof startTestApiServer>>;
  before(async () => {
    server = await startTestApiServer({ eventTTLMs: 2000 });
  });
  after(async () => server?.close());

  it('puts each Event with a lease, and etcd removes them when it expires', async () => {
    await call(server.url, 'POST', CORE, coreEvent('a'));
    await call(server.url, 'POST', V1, {
      metadata: { name: 'b' },
      eventTime: '2026-01-01T00:00:00.000001Z',
      reportingController: 'example.com/ctl',
      reportingInstance: 'ctl-1',
      action: 'Allocate',
      reason: 'Allocated',
      regarding: { kind: 'Service', namespace: 'default', name: 'web' },
      type: 'Normal',
    });
    const client = await sharedClient();
    try {
      const kvs = (await client.getAll().prefix(`${server.prefix}/events/default/`).exec()).kvs;
      expect(kvs.map((kv) => kv.key.toString())).to.deep.equal([`${server.prefix}/events/default/a`, `${server.prefix}/events/default/b`]);
      for (const kv of kvs) expect(String(kv.lease)).to.not.equal('0');
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline && (await call(server.url, 'GET', CORE)).body.items.length > 0) await new Promise((r) => setTimeout(r, 250));
      expect((await call(server.url, 'GET', CORE)).body.items).to.deep.equal([]);
      expect((await client.getAll().prefix(`${server.prefix}/events/`).keys()).length).to.equal(0);
    } finally {
      client.close();
    }
  });
});

describe('EventRecorder: repeats become a series', function () {
  this.timeout(60_000);
  let server: Awaited<ReturnType<typeof startTestApiServer>>;
  before(async () => {
    server = await startTestApiServer();
  });
  after(async () => server?.close());

  it('creates once, then writes series.count 2 on the first repeat, as client-go does', async () => {
    const client = await sharedClient();
    try {
      let now = Date.parse('2026-01-01T00:00:00Z');
      const store = new Store<EventV1>(client, server.prefix, new EventV1Strategy(new LeaseManager(client, 60)));
      const recorder = new EventRecorder(store, 'example-controller', () => undefined, { now: () => now });
      const note = { regarding: { kind: 'Service', namespace: 'default', name: 'rep', apiVersion: 'v1' }, type: 'Warning' as const, reason: 'Again', action: 'Test', note: 'once more' };
      await recorder.record(note);
      now += 1000;
      await recorder.record(note);
      const items = (await call(server.url, 'GET', `${V1}?fieldSelector=regarding.name%3Drep`)).body.items;
      expect(items).to.have.length(1);
      expect(items[0].series).to.deep.equal({ count: 2, lastObservedTime: '2026-01-01T00:00:01.000000Z' });
      expect(items[0].eventTime).to.equal('2026-01-01T00:00:00.000000Z');
      const { rows } = (await (await fetch(`${server.url}${CORE}?fieldSelector=involvedObject.name%3Drep`, { headers: { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' } })).json()) as any;
      expect(rows[0].cells[8]).to.equal('2');
    } finally {
      client.close();
    }
  });
});

describe('LeaseManager: one lease per reuse window, as upstream', function () {
  it('reuses a lease while it outlives the TTL by at most min(5% of it, 60s), then grants a new one', async () => {
    const client = await sharedClient();
    try {
      let now = 1_000_000;
      const leases = new LeaseManager(client, 3600, () => now);
      const first = await leases.lease();
      now += 30_000;
      expect(await leases.lease()).to.equal(first);
      now += 31_000;
      const second = await leases.lease();
      expect(second).to.not.equal(first);
      const ttl = await client.leaseClient.leaseTimeToLive({ ID: second, keys: false });
      expect(Number(ttl.grantedTTL)).to.equal(3660);
      for (const ID of [first, second]) await client.leaseClient.leaseRevoke({ ID });
    } finally {
      client.close();
    }
  });
});
