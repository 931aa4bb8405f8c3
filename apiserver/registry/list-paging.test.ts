import { expect } from 'chai';
import type { Etcd3 } from 'etcd3';
import { sharedClient } from '../../shared/testing/etcd.js';
import { call, create, service, startTestApiServer } from '../testing/server.js';

type Server = Awaited<ReturnType<typeof startTestApiServer>>;

/** Follows continue tokens to the end; every page must carry the first page's revision. */
async function allPages(server: Server, path: string, limit: number) {
  const names: string[] = [];
  const revisions = new Set<string>();
  let token = '';
  let pages = 0;
  do {
    const res = await call(server.url, 'GET', `${path}?limit=${limit}${token ? `&continue=${encodeURIComponent(token)}` : ''}`);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.items.length).to.be.at.most(limit);
    names.push(...res.body.items.map((i: { metadata: { name: string } }) => i.metadata.name));
    revisions.add(res.body.metadata.resourceVersion);
    token = res.body.metadata.continue ?? '';
    pages++;
  } while (token);
  return { names, revisions, pages };
}

describe('lists: limit and continue (real etcd)', function () {
  this.timeout(60_000);
  let server: Server;
  let client: Etcd3;
  const ns = '/api/v1/namespaces/paging/services';

  before(async () => {
    server = await startTestApiServer();
    client = await sharedClient();
    await create(server.url, '/api/v1/namespaces', { metadata: { name: 'paging' } });
    for (let i = 0; i < 7; i++) await create(server.url, ns, service(`s${i}`));
  });
  after(async () => {
    await server?.close();
    client?.close();
  });

  it('pages with an opaque token in upstream format, a count of what remains, one revision for all pages', async () => {
    const first = await call(server.url, 'GET', `${ns}?limit=3`);
    expect(first.body.items.map((i: { metadata: { name: string } }) => i.metadata.name)).to.deep.equal(['s0', 's1', 's2']);
    expect(first.body.metadata.remainingItemCount).to.equal(4);
    const token = JSON.parse(Buffer.from(first.body.metadata.continue, 'base64url').toString());
    expect(token).to.deep.equal({ v: 'meta.k8s.io/v1', rv: Number(first.body.metadata.resourceVersion), start: 's2\u0000' });

    // A write between pages does not show: the later pages are read at the first one's revision.
    await create(server.url, ns, service('s3a'));
    const second = await call(server.url, 'GET', `${ns}?limit=3&continue=${first.body.metadata.continue}`);
    expect(second.body.items.map((i: { metadata: { name: string } }) => i.metadata.name)).to.deep.equal(['s3', 's4', 's5']);
    expect(second.body.metadata.resourceVersion).to.equal(first.body.metadata.resourceVersion);

    const all = await allPages(server, ns, 2);
    expect(all.names).to.deep.equal(['s0', 's1', 's2', 's3', 's3a', 's4', 's5', 's6']);
    expect(all.revisions.size).to.equal(1);
    expect(all.pages).to.equal(4);
  });

  it('pages across namespaces, and with a selector fills each page from as many etcd reads as it takes', async () => {
    const all = await allPages(server, '/api/v1/services', 3);
    expect(all.names).to.include.members(['kubernetes', 's0', 's6']);
    const selected = await call(server.url, 'GET', `${ns}?limit=2&labelSelector=nope%3Dnope`);
    expect(selected.body.items).to.deep.equal([]);
    expect(selected.body.metadata.continue).to.equal(undefined);
    const byField = await call(server.url, 'GET', `${ns}?limit=1&fieldSelector=metadata.name%3Ds5`);
    expect(byField.body.items.map((i: { metadata: { name: string } }) => i.metadata.name)).to.deep.equal(['s5']);
    expect(byField.body.metadata.continue).to.be.a('string');
    expect(byField.body.metadata.remainingItemCount).to.equal(undefined);
  });

  it('answers 410 with the inconsistent-continue token once the revision is compacted, and that token goes on', async () => {
    const first = await call(server.url, 'GET', `${ns}?limit=3`);
    await create(server.url, ns, service('s9'));
    const now = Number((await client.get('x').exec()).header.revision);
    await client.kv.compact({ revision: now });
    const stale = await call(server.url, 'GET', `${ns}?limit=3&continue=${first.body.metadata.continue}`);
    expect(stale.status).to.equal(410);
    expect(stale.body.reason).to.equal('Expired');
    expect(stale.body.message).to.equal(
      'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, ' +
        'or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an ' +
        'inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
    );
    const token = stale.body.metadata.continue as string;
    expect(JSON.parse(Buffer.from(token, 'base64url').toString())).to.deep.equal({ v: 'meta.k8s.io/v1', rv: -1, start: 's2\u0000' });
    const rest = await call(server.url, 'GET', `${ns}?limit=100&continue=${token}`);
    expect(rest.status).to.equal(200);
    expect(rest.body.items.map((i: { metadata: { name: string } }) => i.metadata.name)).to.include('s9');
    expect(Number(rest.body.metadata.resourceVersion)).to.be.at.least(now);

    const exact = await call(server.url, 'GET', `${ns}?resourceVersion=${first.body.metadata.resourceVersion}&resourceVersionMatch=Exact`);
    expect(exact.status).to.equal(410);
    expect(exact.body.message).to.equal('The resourceVersion for the provided list is too old.');
  });

  it('reads resourceVersionMatch=Exact from etcd at that revision, NotOlderThan and 0 from the cache', async () => {
    const before = await call(server.url, 'GET', ns);
    const rv = before.body.metadata.resourceVersion;
    await create(server.url, ns, service('late'));
    const names = (res: { body: Record<string, any> }) => (res.body.items as { metadata: { name: string } }[]).map((i) => i.metadata.name);
    const exact = await call(server.url, 'GET', `${ns}?resourceVersion=${rv}&resourceVersionMatch=Exact`);
    expect(exact.body.metadata.resourceVersion).to.equal(rv);
    expect(names(exact)).not.to.include('late');
    // Legacy exact: a resourceVersion with a limit.
    const legacy = await call(server.url, 'GET', `${ns}?resourceVersion=${rv}&limit=50`);
    expect(names(legacy)).not.to.include('late');
    const newer = await call(server.url, 'GET', `${ns}?resourceVersion=${rv}&resourceVersionMatch=NotOlderThan`);
    expect(Number(newer.body.metadata.resourceVersion)).to.be.greaterThan(Number(rv));
    const any = await call(server.url, 'GET', `${ns}?resourceVersion=0&limit=1`);
    expect(any.body.items.length, 'the cache ignores limit, as upstream').to.be.greaterThan(1);
    expect(any.body.metadata.continue).to.equal(undefined);

    const future = Number(newer.body.metadata.resourceVersion) + 1000;
    const tooLarge = await call(server.url, 'GET', `${ns}?resourceVersion=${future}&resourceVersionMatch=Exact`);
    expect(tooLarge.status).to.equal(504);
    expect(tooLarge.body.message).to.match(new RegExp(`^Timeout: Too large resource version: ${future}, current: \\d+$`));
    expect(tooLarge.body.details.causes).to.deep.equal([{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }]);
  });

  it('refuses bad combinations with upstream ValidateListOptions errors, bad tokens with a 400', async () => {
    const cases: [string, number, string][] = [
      ['resourceVersionMatch=Exact', 422, 'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided'],
      ['resourceVersion=0&resourceVersionMatch=Exact', 422, 'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0"'],
      ['resourceVersion=5&resourceVersionMatch=Newest', 422, 'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Unsupported value: "Newest": supported values: "", "Exact", "NotOlderThan"'],
      ['continue=abc&resourceVersion=5&resourceVersionMatch=NotOlderThan', 422, 'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden when continue is provided'],
      ['continue=%21%21', 400, 'invalid continue token: continue key is not valid: illegal base64 data at input byte 0'],
      [`continue=${Buffer.from('{"v":"meta.k8s.io/v2","rv":3,"start":"a"}').toString('base64url')}`, 400, 'invalid continue token: continue key is not valid: server does not recognize this encoded version meta.k8s.io/v2'],
      [`continue=${Buffer.from('{"v":"meta.k8s.io/v1","rv":0,"start":"a"}').toString('base64url')}`, 400, 'invalid continue token: continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)'],
      [`continue=${Buffer.from('{"v":"meta.k8s.io/v1","rv":3,"start":""}').toString('base64url')}`, 400, 'invalid continue token: continue key is not valid: encoded start key empty (version meta.k8s.io/v1)'],
      [`continue=${Buffer.from('{"v":"meta.k8s.io/v1","rv":3,"start":"../../namespaces/x"}').toString('base64url')}`, 400, 'invalid continue token: continue key is not valid: ../../namespaces/x'],
      [`continue=${Buffer.from('{"v":"meta.k8s.io/v1","rv":3,"start":"a"}').toString('base64url')}&resourceVersion=7`, 400, 'specifying resource version is not allowed when using continue'],
      ['resourceVersion=abc&limit=5', 400, 'invalid resource version: resourceVersion: Invalid value: "abc": strconv.ParseUint: parsing "abc": invalid syntax'],
    ];
    for (const [query, code, message] of cases) {
      const res = await call(server.url, 'GET', `${ns}?${query}`);
      expect(res.status, query).to.equal(code);
      expect(res.body.message, query).to.equal(message);
    }
  });
});
