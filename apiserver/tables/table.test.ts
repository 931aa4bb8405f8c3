import { expect } from 'chai';
import type { Endpoints, Namespace, Service } from '../../shared/api/core.js';
import type { EndpointSlice } from '../../shared/api/discovery.js';
import { ageSince, humanDuration } from './duration.js';
import { endpointSlicePrinter, endpointsPrinter, namespacePrinter, servicePrinter } from './printers.js';
import { renderTable, TableOptionsError } from './table.js';

const NOW = Date.parse('2026-11-24T08:00:00Z');
const ago = (seconds: number) => new Date(NOW - seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

function svc(name: string, spec: Service['spec'], extra: Partial<Service> = {}): Service {
  return {
    kind: 'Service',
    apiVersion: 'v1',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, resourceVersion: '1006', creationTimestamp: ago(1), labels: { app: name } },
    spec,
    status: { loadBalancer: {} },
    ...extra,
  };
}

describe('Table rendering', () => {
  describe('Services', () => {
    it('renders the columns and a ClusterIP row like the real apiserver', () => {
      const table = renderTable(servicePrinter, [svc('web', { type: 'ClusterIP', clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], ports: [{ port: 80, protocol: 'TCP' }], selector: { app: 'web' } })], NOW, {
        listMeta: { resourceVersion: '1006' },
      });
      expect(table.kind).to.equal('Table');
      expect(table.apiVersion).to.equal('meta.k8s.io/v1');
      expect(table.metadata).to.deep.equal({ resourceVersion: '1006' });
      expect(table.columnDefinitions!.map((c) => [c.name, c.type, c.format, c.priority])).to.deep.equal([
        ['Name', 'string', 'name', 0],
        ['Type', 'string', '', 0],
        ['Cluster-IP', 'string', '', 0],
        ['External-IP', 'string', '', 0],
        ['Port(s)', 'string', '', 0],
        ['Age', 'string', '', 0],
        ['Selector', 'string', '', 1],
      ]);
      expect(table.rows).to.deep.equal([
        {
          cells: ['web', 'ClusterIP', '10.96.0.10', '<none>', '80/TCP', '1s', 'app=web'],
          object: {
            kind: 'PartialObjectMetadata',
            apiVersion: 'meta.k8s.io/v1',
            metadata: { name: 'web', namespace: 'default', uid: 'uid-web', resourceVersion: '1006', creationTimestamp: ago(1), labels: { app: 'web' } },
          },
        },
      ]);
    });

    const cases: [string, Service, string[]][] = [
      [
        'NodePort with external IPs and two ports',
        svc('np', {
          type: 'NodePort',
          clusterIPs: ['10.96.0.11'],
          externalIPs: ['192.0.2.1', '192.0.2.2'],
          ports: [
            { port: 80, nodePort: 30080, protocol: 'TCP' },
            { port: 53, nodePort: 30053, protocol: 'UDP' },
          ],
          selector: { b: '2', a: '1' },
        }),
        ['np', 'NodePort', '10.96.0.11', '192.0.2.1,192.0.2.2', '80:30080/TCP,53:30053/UDP', '1s', 'a=1,b=2'],
      ],
      [
        'headless without ports or selector',
        svc('hl', { type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'] }),
        ['hl', 'ClusterIP', 'None', '<none>', '<none>', '1s', '<none>'],
      ],
      ['LoadBalancer pending', svc('lb', { type: 'LoadBalancer', clusterIPs: ['10.96.0.12'], ports: [{ port: 443, nodePort: 31443, protocol: 'TCP' }] }), ['lb', 'LoadBalancer', '10.96.0.12', '<pending>', '443:31443/TCP', '1s', '<none>']],
      [
        'LoadBalancer with ingress (sorted, de-duplicated, not clipped) plus external IPs',
        svc('lb2', { type: 'LoadBalancer', clusterIPs: ['10.96.0.13'], externalIPs: ['192.0.2.9'] }, { status: { loadBalancer: { ingress: [{ ip: '203.0.113.7' }, { hostname: 'a-very-long-load-balancer.example.com' }, { ip: '203.0.113.7' }] } } }),
        ['lb2', 'LoadBalancer', '10.96.0.13', '203.0.113.7,a-very-long-load-balancer.example.com,192.0.2.9', '<none>', '1s', '<none>'],
      ],
      ['ExternalName', svc('ext', { type: 'ExternalName', externalName: 'example.com' }), ['ext', 'ExternalName', '<none>', 'example.com', '<none>', '1s', '<none>']],
      ['dual-stack shows the primary IP', svc('ds', { type: 'ClusterIP', clusterIP: 'fd00::10', clusterIPs: ['fd00::10', '10.96.0.14'], ports: [{ port: 80, protocol: 'TCP' }] }), ['ds', 'ClusterIP', 'fd00::10', '<none>', '80/TCP', '1s', '<none>']],
    ];
    for (const [name, service, cells] of cases) {
      it(name, () => {
        expect(renderTable(servicePrinter, [service], NOW).rows[0]!.cells).to.deep.equal(cells);
      });
    }

    it('a single object takes its resourceVersion; includeObject=Object and None', () => {
      const one = svc('web', { type: 'ClusterIP', clusterIPs: ['10.96.0.10'] });
      const t = renderTable(servicePrinter, one, NOW, { includeObject: 'Object', version: 'v1beta1' });
      expect(t.apiVersion).to.equal('meta.k8s.io/v1beta1');
      expect(t.metadata).to.deep.equal({ resourceVersion: '1006' });
      expect(t.rows[0]!.object).to.equal(one);
      expect(renderTable(servicePrinter, one, NOW, { includeObject: 'None' }).rows[0]!.object).to.equal(null);
      expect(() => renderTable(servicePrinter, one, NOW, { includeObject: 'All' })).to.throw(TableOptionsError, 'unrecognized includeObject value: "All"');
    });

    it('noHeaders drops the column definitions; descriptions come from the docs lookup', () => {
      expect(renderTable(servicePrinter, [], NOW, { noHeaders: true }).columnDefinitions).to.equal(null);
      const cols = renderTable(servicePrinter, [], NOW, { docs: (t, f) => `${t}.${f}` }).columnDefinitions!;
      expect(cols.map((c) => c.description)).to.deep.equal([
        'ObjectMeta.name',
        'ServiceSpec.type',
        'ServiceSpec.clusterIP',
        'ServiceSpec.externalIPs',
        'ServiceSpec.ports',
        'ObjectMeta.creationTimestamp',
        'ServiceSpec.selector',
      ]);
    });
  });

  describe('Endpoints', () => {
    const ep = (subsets: Endpoints['subsets']): Endpoints => ({ metadata: { name: 'web', creationTimestamp: ago(0) }, subsets });
    const cases: [string, Endpoints, string][] = [
      ['no subsets', ep(undefined), '<none>'],
      ['two addresses', ep([{ addresses: [{ ip: '10.0.0.5' }, { ip: '10.0.0.6' }], ports: [{ port: 8080 }] }]), '10.0.0.5:8080,10.0.0.6:8080'],
      [
        'more than three',
        ep([{ addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }], ports: [{ port: 80 }, { port: 443 }] }]),
        '10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 1 more...',
      ],
      ['no ports (headless)', ep([{ addresses: [{ ip: '10.0.0.1' }] }]), '10.0.0.1'],
      ['IPv6', ep([{ addresses: [{ ip: 'fd00::5' }], ports: [{ port: 80 }] }]), '[fd00::5]:80'],
      ['only not-ready addresses', ep([{ notReadyAddresses: [{ ip: '10.0.0.1' }], ports: [{ port: 80 }] }]), ''],
    ];
    for (const [name, obj, cell] of cases) {
      it(name, () => {
        const t = renderTable(endpointsPrinter, [obj], NOW);
        expect(t.columnDefinitions!.map((c) => c.name)).to.deep.equal(['Name', 'Endpoints', 'Age']);
        expect(t.rows[0]!.cells).to.deep.equal(['web', cell, '0s']);
      });
    }
  });

  describe('EndpointSlices', () => {
    const slice = (endpoints: EndpointSlice['endpoints'], ports: EndpointSlice['ports']): EndpointSlice => ({
      metadata: { name: 'web-abc12', creationTimestamp: ago(30) },
      addressType: 'IPv4',
      endpoints,
      ports,
    });
    it('columns and a typical row', () => {
      const t = renderTable(endpointSlicePrinter, [slice([{ addresses: ['10.0.0.5'] }, { addresses: ['10.0.0.6'] }], [{ port: 8080, protocol: 'TCP' }])], NOW);
      expect(t.columnDefinitions!.map((c) => c.name)).to.deep.equal(['Name', 'AddressType', 'Ports', 'Endpoints', 'Age']);
      expect(t.rows[0]!.cells).to.deep.equal(['web-abc12', 'IPv4', '8080', '10.0.0.5,10.0.0.6', '30s']);
    });
    it('<unset>, named and wildcard ports, and + N more', () => {
      expect(renderTable(endpointSlicePrinter, [slice(null, null)], NOW).rows[0]!.cells.slice(2, 4)).to.deep.equal(['<unset>', '<unset>']);
      const many = slice(
        [{ addresses: ['10.0.0.1', '10.0.0.2'] }, { addresses: ['10.0.0.3'] }, { addresses: ['10.0.0.4', '10.0.0.5'] }],
        [{ port: 80 }, { name: 'http' }, {}, { port: 443 }],
      );
      expect(renderTable(endpointSlicePrinter, [many], NOW).rows[0]!.cells.slice(2, 4)).to.deep.equal(['80,http,* + 1 more...', '10.0.0.1,10.0.0.2,10.0.0.3 + 2 more...']);
    });
  });

  describe('Namespaces', () => {
    it('name, phase, age', () => {
      const ns: Namespace = { metadata: { name: 'kube-system', creationTimestamp: ago(3 * 86400 + 5 * 3600) }, status: { phase: 'Active' } };
      const t = renderTable(namespacePrinter, [ns], NOW);
      expect(t.columnDefinitions!.map((c) => c.name)).to.deep.equal(['Name', 'Status', 'Age']);
      expect(t.rows[0]!.cells).to.deep.equal(['kube-system', 'Active', '3d5h']);
    });
  });

  describe('ages (HumanDuration)', () => {
    const s = 1000;
    const cases: [number, string][] = [
      [-3 * s, '<invalid>'],
      [-1 * s, '0s'],
      [-0.5 * s, '0s'],
      [0, '0s'],
      [119 * s, '119s'],
      [120 * s, '2m'],
      [125 * s, '2m5s'],
      [599 * s, '9m59s'],
      [600 * s, '10m'],
      [179 * 60 * s, '179m'],
      [3 * 3600 * s, '3h'],
      [(3 * 3600 + 5 * 60) * s, '3h5m'],
      [8 * 3600 * s, '8h'],
      [47 * 3600 * s, '47h'],
      [48 * 3600 * s, '2d'],
      [(7 * 24 + 23) * 3600 * s, '7d23h'],
      [8 * 86400 * s, '8d'],
      [729 * 86400 * s, '729d'],
      [730 * 86400 * s, '2y'],
      [(3 * 365 + 10) * 86400 * s, '3y10d'],
      [8 * 365 * 86400 * s, '8y'],
    ];
    for (const [ms, want] of cases) {
      it(`${ms / 1000}s -> ${want}`, () => {
        expect(humanDuration(ms)).to.equal(want);
      });
    }
    it('missing or bad timestamps are <unknown>', () => {
      expect(ageSince(undefined, NOW)).to.equal('<unknown>');
      expect(ageSince(null, NOW)).to.equal('<unknown>');
      expect(ageSince('yesterday', NOW)).to.equal('<unknown>');
    });
  });
});
