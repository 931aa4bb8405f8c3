import { expect } from 'chai';
import { parseResourcePath } from '../http/request-info.js';
import { dryRunOf, reportedVerb, scopeOf } from './requests.js';
import { rfc3339Nano } from '../endpoints/mirror.js';

describe('apiserver metrics: request labels as upstream reports them', () => {
  const cases: [method: string, path: string, query: string, contentType: string | undefined, verb: string, scope: string][] = [
    ['POST', '/api/v1/namespaces/default/services', '', 'application/json', 'POST', 'resource'],
    ['GET', '/api/v1/namespaces/default/services', '', undefined, 'LIST', 'namespace'],
    ['GET', '/api/v1/services', '', undefined, 'LIST', 'cluster'],
    ['GET', '/api/v1/namespaces/default/services/web', '', undefined, 'GET', 'resource'],
    ['GET', '/api/v1/namespaces/default/services', 'watch=true', undefined, 'WATCH', 'namespace'],
    ['GET', '/api/v1/services', 'watch=1', undefined, 'WATCH', 'cluster'],
    ['GET', '/api/v1/services', 'watch=false', undefined, 'LIST', 'cluster'],
    ['GET', '/api/v1/services', 'watch=', undefined, 'WATCH', 'cluster'],
    ['GET', '/api/v1/services', 'watch=0&watch=1', undefined, 'LIST', 'cluster'],
    ['HEAD', '/api/v1/namespaces/default/services/web', 'watch=true', undefined, 'GET', 'resource'],
    ['PATCH', '/api/v1/namespaces/default/services/web', '', 'application/apply-patch+yaml; charset=utf-8', 'PATCH', 'resource'],
    ['OPTIONS', '/api/v1/services', '', undefined, 'other', 'cluster'],
    ['PATCH', '/api/v1/namespaces/default/services/web', '', 'application/apply-patch+yaml', 'APPLY', 'resource'],
    ['PATCH', '/api/v1/namespaces/default/services/web', '', 'application/merge-patch+json', 'PATCH', 'resource'],
    ['PUT', '/api/v1/namespaces/default/services/web/status', '', 'application/json', 'PUT', 'resource'],
    ['DELETE', '/api/v1/namespaces/default/services/web', '', undefined, 'DELETE', 'resource'],
  ];
  for (const [method, path, query, contentType, verb, scope] of cases) {
    it(`${method} ${path}${query ? `?${query}` : ''} is ${verb}, scope ${scope}`, () => {
      const info = parseResourcePath(path)!;
      expect(reportedVerb(method, info, new URLSearchParams(query), contentType)).to.equal(verb);
      expect(scopeOf(method, info)).to.equal(scope);
    });
  }

  it('reports dryRun as upstream: sorted distinct values, or invalid', () => {
    expect(dryRunOf(new URLSearchParams(''))).to.equal('');
    expect(dryRunOf(new URLSearchParams('dryRun=All&dryRun=All'))).to.equal('All');
    expect(dryRunOf(new URLSearchParams('dryRun=Some'))).to.equal('invalid');
  });

  it("writes trigger times as Go's RFC3339Nano", () => {
    expect(rfc3339Nano(new Date(Date.UTC(2025, 3, 1, 10, 40, 14, 380)))).to.equal('2025-04-01T10:40:14.38Z');
    expect(rfc3339Nano(new Date(Date.UTC(2025, 3, 1, 10, 40, 14, 0)))).to.equal('2025-04-01T10:40:14Z');
  });
});
