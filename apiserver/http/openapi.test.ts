import { expect } from 'chai';
import { openAPIDocuments } from '../openapi/documents.js';
import { swaggerDocument } from '../openapi/swagger.js';
import { startTestApiServer } from '../testing/server.js';

const PROTOBUF = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';

describe('apiserver: OpenAPI documents over HTTP', function () {
  let server: Awaited<ReturnType<typeof startTestApiServer>>;

  before(async () => {
    server = await startTestApiServer();
  });
  after(async () => server?.close());

  const get = (path: string, headers: Record<string, string> = {}) => fetch(server.url + path, { headers });

  it('/openapi/v2 in gnostic protobuf for kubectl 1.27 and 1.28, with the JSON\'s ETag', async () => {
    const doc = swaggerDocument();
    const res = await get('/openapi/v2?timeout=32s', { Accept: PROTOBUF });
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.equal('application/com.github.proto-openapi.spec.v2.v1.0+protobuf');
    expect(res.headers.get('etag')).to.equal(`"${doc.etag}"`);
    expect(res.headers.get('vary')).to.equal('Accept');
    expect(Buffer.from(await res.arrayBuffer()).equals(Buffer.from(doc.proto))).to.equal(true);
  });

  it('/openapi/v2 in JSON for application/json, */* or no Accept; 406 for anything else', async () => {
    const doc = swaggerDocument();
    for (const accept of ['application/json', '*/*', undefined]) {
      const res = await get('/openapi/v2', accept ? { Accept: accept } : {});
      expect(res.status, accept).to.equal(200);
      expect(res.headers.get('content-type')).to.equal('application/json');
      expect(res.headers.get('etag')).to.equal(`"${doc.etag}"`);
      expect(await res.text()).to.equal(doc.json);
    }
    const refused = await get('/openapi/v2', { Accept: 'text/html' });
    expect(refused.status).to.equal(406);
    expect(await refused.text()).to.equal('');
  });

  it('304 when the client holds the ETag, for v2 in either form and for v3 group versions', async () => {
    const v2 = `"${swaggerDocument().etag}"`;
    for (const accept of [PROTOBUF, 'application/json']) {
      const res = await get('/openapi/v2', { Accept: accept, 'If-None-Match': v2 });
      expect(res.status, accept).to.equal(304);
      expect(res.headers.get('etag')).to.equal(v2);
    }
    expect((await get('/openapi/v2', { 'If-None-Match': '"other"' })).status).to.equal(200);
    const v3 = openAPIDocuments().documents.get('api/v1')!;
    const res = await get(`/openapi/v3/api/v1?hash=${v3.hash}`, { 'If-None-Match': `W/"other", "${v3.hash}"` });
    expect(res.status).to.equal(304);
    expect(res.headers.get('cache-control')).to.equal('public, immutable');
  });

  it('no legacy /swagger-2.0.0.pb-v1, as on a current kube-apiserver: kubectl asks for it only when /openapi/v2 fails', async () => {
    expect((await get('/swagger-2.0.0.pb-v1')).status).to.equal(404);
  });
});
