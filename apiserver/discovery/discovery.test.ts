import { expect } from 'chai';
import { negotiateObject } from '../tables/negotiate.js';
import { aggregatedDiscovery, apiGroupList, apiResourceList, apiVersions } from './documents.js';
import { negotiateDiscovery, negotiateOpenAPIv2, parseAccept } from './negotiate.js';
import { versionInfo } from './version.js';

const KUBECTL_133 =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
const KUBECTL_127 = 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';

describe('discovery', () => {
  it('/version reports v1.33 with string major/minor', () => {
    const v = versionInfo({ gitCommit: 'abc', buildDate: '2026-01-01T00:00:00Z', platform: 'linux/amd64' });
    expect(v).to.include({ major: '1', minor: '33', gitVersion: 'v1.33.1', emulationMinor: '33', minCompatibilityMinor: '32', gitTreeState: 'clean', platform: 'linux/amd64' });
    expect(Object.keys(v)).to.deep.equal([
      'major', 'minor', 'emulationMajor', 'emulationMinor', 'minCompatibilityMajor', 'minCompatibilityMinor',
      'gitVersion', 'gitCommit', 'gitTreeState', 'buildDate', 'goVersion', 'compiler', 'platform',
    ]);
  });

  it('legacy /api and /apis', () => {
    expect(apiVersions('127.0.0.1:6443')).to.deep.equal({
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:6443' }],
    });
    expect(apiGroupList()).to.deep.equal({
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: [
        {
          name: 'events.k8s.io',
          versions: [{ groupVersion: 'events.k8s.io/v1', version: 'v1' }],
          preferredVersion: { groupVersion: 'events.k8s.io/v1', version: 'v1' },
        },
        {
          name: 'authorization.k8s.io',
          versions: [{ groupVersion: 'authorization.k8s.io/v1', version: 'v1' }],
          preferredVersion: { groupVersion: 'authorization.k8s.io/v1', version: 'v1' },
        },
        {
          name: 'networking.k8s.io',
          versions: [{ groupVersion: 'networking.k8s.io/v1', version: 'v1' }],
          preferredVersion: { groupVersion: 'networking.k8s.io/v1', version: 'v1' },
        },
        {
          name: 'discovery.k8s.io',
          versions: [{ groupVersion: 'discovery.k8s.io/v1', version: 'v1' }],
          preferredVersion: { groupVersion: 'discovery.k8s.io/v1', version: 'v1' },
        },
      ],
    });
  });

  it('/api/v1 lists services with svc, all and a status subresource', () => {
    const list = apiResourceList('v1') as { kind: string; apiVersion?: string; groupVersion: string; resources: Record<string, unknown>[] };
    expect(list.kind).to.equal('APIResourceList');
    expect(list).to.not.have.property('apiVersion');
    expect(list.resources.map((r) => r.name)).to.deep.equal(['endpoints', 'events', 'namespaces', 'namespaces/status', 'services', 'services/status']);
    expect(list.resources.find((r) => r.name === 'services')).to.deep.equal({
      name: 'services',
      singularName: 'service',
      namespaced: true,
      kind: 'Service',
      verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
      shortNames: ['svc'],
      categories: ['all'],
      storageVersionHash: '0/CO1lhkEBI=',
    });
    expect(list.resources.find((r) => r.name === 'services/status')).to.deep.equal({ name: 'services/status', singularName: '', namespaced: true, kind: 'Service', verbs: ['get', 'patch', 'update'] });
    expect(list.resources[0]).to.include({ singularName: 'endpoints' }).and.to.have.deep.property('shortNames', ['ep']);
    expect(list.resources.find((r) => r.name === 'namespaces')).to.include({ namespaced: false }).and.to.have.deep.property('verbs', ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch']);
  });

  it('/apis/discovery.k8s.io/v1 lists endpointslices; unknown group versions are undefined', () => {
    expect(apiResourceList('discovery.k8s.io/v1')).to.deep.equal({
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: 'discovery.k8s.io/v1',
      resources: [
        {
          name: 'endpointslices',
          singularName: 'endpointslice',
          namespaced: true,
          kind: 'EndpointSlice',
          verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
          storageVersionHash: 'Nx3SIv6I0mE=',
        },
      ],
    });
    expect(apiResourceList('apps/v1')).to.equal(undefined);
  });

  it('aggregated /api (v2) carries the core group', () => {
    const doc = aggregatedDiscovery('core', 'v2') as { kind: string; apiVersion: string; items: { metadata: object; versions: { version: string; freshness: string; resources: Record<string, unknown>[] }[] }[] };
    expect(doc.kind).to.equal('APIGroupDiscoveryList');
    expect(doc.apiVersion).to.equal('apidiscovery.k8s.io/v2');
    expect(doc.items).to.have.length(1);
    expect(doc.items[0]!.metadata).to.deep.equal({ creationTimestamp: null });
    const v1 = doc.items[0]!.versions[0]!;
    expect(v1.version).to.equal('v1');
    expect(v1.freshness).to.equal('Current');
    expect(v1.resources.find((r) => r.resource === 'services')).to.deep.equal({
      resource: 'services',
      responseKind: { group: '', version: '', kind: 'Service' },
      scope: 'Namespaced',
      singularResource: 'service',
      verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
      shortNames: ['svc'],
      categories: ['all'],
      subresources: [{ subresource: 'status', responseKind: { group: '', version: '', kind: 'Service' }, verbs: ['get', 'patch', 'update'] }],
    });
    expect(v1.resources.find((r) => r.resource === 'namespaces')).to.include({ scope: 'Cluster' });
  });

  it('aggregated /apis (v2beta1) carries authorization.k8s.io, networking.k8s.io and discovery.k8s.io, in upstream\'s group order', () => {
    const doc = aggregatedDiscovery('groups', 'v2beta1') as { apiVersion: string; items: { metadata: { name?: string }; versions: { resources: { resource: string; verbs: string[] }[] }[] }[] };
    expect(doc.apiVersion).to.equal('apidiscovery.k8s.io/v2beta1');
    expect(doc.items.map((i) => i.metadata.name)).to.deep.equal(['events.k8s.io', 'authorization.k8s.io', 'networking.k8s.io', 'discovery.k8s.io']);
    expect(doc.items[1]!.versions[0]!.resources.map((r) => [r.resource, r.verbs])).to.deep.equal([
      ['selfsubjectaccessreviews', ['create']],
      ['selfsubjectrulesreviews', ['create']],
    ]);
    expect(doc.items[2]!.versions[0]!.resources.map((r) => r.resource)).to.deep.equal(['ipaddresses', 'servicecidrs']);
    expect(doc.items[3]!.versions[0]!.resources.map((r) => r.resource)).to.deep.equal(['endpointslices']);
  });

  describe('content negotiation', () => {
    const cases: [string | undefined, unknown][] = [
      [KUBECTL_133, { form: 'aggregated', version: 'v2', contentType: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList' }],
      [KUBECTL_127, { form: 'aggregated', version: 'v2beta1', contentType: 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList' }],
      ['application/json, */*', { form: 'legacy', contentType: 'application/json' }],
      ['application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList;q=0.5,application/json', { form: 'legacy', contentType: 'application/json' }],
      [undefined, { form: 'legacy', contentType: 'application/json' }],
      ['*/*', { form: 'legacy', contentType: 'application/json' }],
      ['application/yaml', undefined],
      ['application/json;g=apidiscovery.k8s.io;v=v3;as=APIGroupDiscoveryList', undefined],
    ];
    for (const [accept, want] of cases) {
      it(`discovery for Accept ${JSON.stringify(accept)}`, () => {
        expect(negotiateDiscovery(accept)).to.deep.equal(want);
      });
    }

    const objectCases: [string | undefined, unknown][] = [
      ['application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json', { as: 'Table', version: 'v1', contentType: 'application/json;as=Table;v=v1;g=meta.k8s.io' }],
      ['application/json;as=Table;v=v1beta1;g=meta.k8s.io', { as: 'Table', version: 'v1beta1', contentType: 'application/json;as=Table;v=v1beta1;g=meta.k8s.io' }],
      ['application/vnd.kubernetes.protobuf,application/json', { as: 'Object', contentType: 'application/json' }],
      ['application/json, */*;q=0.8', { as: 'Object', contentType: 'application/json' }],
      ['application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io', undefined],
      ['text/html', undefined],
    ];
    for (const [accept, want] of objectCases) {
      it(`objects for Accept ${JSON.stringify(accept)}`, () => {
        expect(negotiateObject(accept)).to.deep.equal(want);
      });
    }

    const PROTO = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';
    const openAPIv2Cases: [string | undefined, 'json' | 'protobuf' | undefined][] = [
      // kubectl 1.27 to 1.33
      ['application/com.github.proto-openapi.spec.v2@v1.0+protobuf', 'protobuf'],
      [PROTO, 'protobuf'],
      [undefined, 'json'],
      ['', 'json'],
      ['application/json', 'json'],
      ['*/*', 'json'],
      ['application/*', 'json'],
      ['*/*, application/com.github.proto-openapi.spec.v2@v1.0+protobuf', 'protobuf'],
      ['application/json;q=0.5, application/com.github.proto-openapi.spec.v2@v1.0+protobuf', 'protobuf'],
      ['application/yaml', undefined],
      ['text/html', undefined],
    ];
    for (const [accept, form] of openAPIv2Cases) {
      it(`/openapi/v2 for Accept ${JSON.stringify(accept)}`, () => {
        const answer = negotiateOpenAPIv2(accept);
        expect(answer?.form).to.equal(form);
        if (form) expect(answer!.contentType).to.equal(form === 'json' ? 'application/json' : PROTO);
      });
    }

    it('parses parameters and q values', () => {
      expect(parseAccept('text/plain;q=0, application/json ; charset=utf-8 ;q=0.5, */*')).to.deep.equal([
        { type: '*', subtype: '*', params: {}, q: 1 },
        { type: 'application', subtype: 'json', params: { charset: 'utf-8' }, q: 0.5 },
      ]);
    });
  });
});
