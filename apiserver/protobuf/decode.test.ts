import { expect } from 'chai';
import { decodeEnvelope, decodeProtobufObject, ProtobufDecodeError } from './decode.js';
import { hexBytes, KUBECTL_BODIES } from '../testing/kubectl-bodies.js';

// A minimal protobuf writer for hand-built fixtures.
type Part = number[] | Uint8Array;
const varint = (n: number | bigint): number[] => {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v) b |= 0x80;
    out.push(b);
  } while (v);
  return out;
};
const cat = (...parts: Part[]): number[] => parts.flatMap((p) => [...p]);
const tag = (no: number, wire: number) => varint((no << 3) | wire);
const vint = (no: number, v: number | bigint | boolean) => cat(tag(no, 0), varint(typeof v === 'boolean' ? Number(v) : v));
const bytes = (no: number, ...payload: Part[]) => {
  const body = cat(...payload);
  return cat(tag(no, 2), varint(body.length), body);
};
const str = (no: number, s: string) => bytes(no, new TextEncoder().encode(s));
const entry = (no: number, k: string, v: string) => bytes(no, str(1, k), str(2, v));
const envelope = (apiVersion: string, kind: string, raw: number[]) =>
  Uint8Array.from(cat([0x6b, 0x38, 0x73, 0x00], bytes(1, str(1, apiVersion), str(2, kind)), bytes(2, raw)));

describe('protobuf request decoding', () => {
  describe('bodies captured from kubectl 1.33', () => {
    it('create service clusterip web3 --tcp=5678:8080', () => {
      expect(decodeProtobufObject(hexBytes(KUBECTL_BODIES.clusterIP))).to.deep.equal({
        kind: 'Service',
        apiVersion: 'v1',
        metadata: { name: 'web3', labels: { app: 'web3' } },
        spec: {
          ports: [{ name: '5678-8080', protocol: 'TCP', port: 5678, targetPort: 8080 }],
          selector: { app: 'web3' },
          type: 'ClusterIP',
        },
        status: { loadBalancer: {} },
      });
    });

    it('create service nodeport with --node-port', () => {
      const svc = decodeProtobufObject(hexBytes(KUBECTL_BODIES.nodePort)) as { spec: { ports: unknown[]; type: string } };
      expect(svc.spec.type).to.equal('NodePort');
      expect(svc.spec.ports).to.deep.equal([{ name: '80-8080', protocol: 'TCP', port: 80, targetPort: 8080, nodePort: 30080 }]);
    });

    it('create service externalname', () => {
      const svc = decodeProtobufObject(hexBytes(KUBECTL_BODIES.externalName)) as { spec: unknown };
      expect(svc.spec).to.deep.equal({ selector: { app: 'ext1' }, type: 'ExternalName', externalName: 'example.com' });
    });

    it('create service clusterip --clusterip=None (no ports)', () => {
      const svc = decodeProtobufObject(hexBytes(KUBECTL_BODIES.headless)) as { spec: unknown };
      expect(svc.spec).to.deep.equal({ selector: { app: 'hl' }, clusterIP: 'None', type: 'ClusterIP' });
    });

    it('create service loadbalancer with two ports', () => {
      const svc = decodeProtobufObject(hexBytes(KUBECTL_BODIES.loadBalancer)) as { spec: { ports: unknown[]; type: string } };
      expect(svc.spec.type).to.equal('LoadBalancer');
      expect(svc.spec.ports).to.deep.equal([
        { name: '443-8443', protocol: 'TCP', port: 443, targetPort: 8443 },
        { name: '80', protocol: 'TCP', port: 80, targetPort: 80 },
      ]);
    });

    it('create namespace ns1', () => {
      expect(decodeProtobufObject(hexBytes(KUBECTL_BODIES.namespace))).to.deep.equal({
        kind: 'Namespace',
        apiVersion: 'v1',
        metadata: { name: 'ns1' },
        spec: {},
        status: {},
      });
    });

    it('reads the envelope', () => {
      const env = decodeEnvelope(hexBytes(KUBECTL_BODIES.namespace));
      expect(env).to.include({ apiVersion: 'v1', kind: 'Namespace', contentEncoding: '', contentType: '' });
      expect(env.raw.length).to.equal(27);
    });
  });

  describe('hand-built messages', () => {
    it('Service with every spec field kind', () => {
      const port = cat(str(1, 'http'), str(2, 'UDP'), str(6, 'kubernetes.io/h2c'), vint(3, 53), bytes(4, vint(1, 1), str(3, 'dns')), vint(5, 0));
      const spec = cat(
        bytes(1, port),
        entry(2, 'a', 'b'),
        str(3, '10.0.0.10'),
        str(18, '10.0.0.10'),
        str(18, 'fd00::a'),
        str(4, 'LoadBalancer'),
        str(5, '1.2.3.4'),
        str(7, 'ClientIP'),
        str(9, '10.0.0.0/8'),
        str(11, 'Local'),
        vint(12, 31000),
        vint(13, true),
        bytes(14, bytes(1, vint(1, 600))),
        str(19, 'IPv4'),
        str(19, 'IPv6'),
        str(17, 'RequireDualStack'),
        vint(20, false),
        str(21, 'example.com/lb'),
        str(22, 'Cluster'),
        str(23, ''),
      );
      const status = bytes(1, bytes(1, str(1, '5.6.7.8'), str(3, 'VIP'), bytes(4, vint(1, 53), str(2, 'UDP'))));
      const meta = cat(
        str(1, 'dns'),
        str(3, 'kube-system'),
        str(5, 'uid-1'),
        vint(7, 3),
        bytes(8, vint(1, 1732434000), vint(2, 5)),
        entry(12, 'note', 'x'),
        bytes(13, str(5, 'apps/v1'), str(1, 'Deployment'), str(3, 'd'), str(4, 'u2'), vint(6, true)),
        str(14, 'example.com/f'),
      );
      const obj = decodeProtobufObject(envelope('v1', 'Service', cat(bytes(1, meta), bytes(2, spec), bytes(3, status))));
      expect(obj).to.deep.equal({
        kind: 'Service',
        apiVersion: 'v1',
        metadata: {
          name: 'dns',
          namespace: 'kube-system',
          uid: 'uid-1',
          generation: 3,
          creationTimestamp: '2024-11-24T07:40:00Z',
          annotations: { note: 'x' },
          ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'd', uid: 'u2', controller: true }],
          finalizers: ['example.com/f'],
        },
        spec: {
          ports: [{ name: 'http', protocol: 'UDP', appProtocol: 'kubernetes.io/h2c', port: 53, targetPort: 'dns' }],
          selector: { a: 'b' },
          clusterIP: '10.0.0.10',
          clusterIPs: ['10.0.0.10', 'fd00::a'],
          type: 'LoadBalancer',
          externalIPs: ['1.2.3.4'],
          sessionAffinity: 'ClientIP',
          loadBalancerSourceRanges: ['10.0.0.0/8'],
          externalTrafficPolicy: 'Local',
          healthCheckNodePort: 31000,
          publishNotReadyAddresses: true,
          sessionAffinityConfig: { clientIP: { timeoutSeconds: 600 } },
          ipFamilies: ['IPv4', 'IPv6'],
          ipFamilyPolicy: 'RequireDualStack',
          allocateLoadBalancerNodePorts: false,
          loadBalancerClass: 'example.com/lb',
          internalTrafficPolicy: 'Cluster',
          trafficDistribution: '',
        },
        status: { loadBalancer: { ingress: [{ ip: '5.6.7.8', ipMode: 'VIP', ports: [{ port: 53, protocol: 'UDP' }] }] } },
      });
    });

    it('Endpoints', () => {
      const addr = cat(str(1, '10.1.0.5'), str(4, 'node-a'), bytes(2, str(1, 'Pod'), str(2, 'default'), str(3, 'web-1')));
      const subset = cat(bytes(1, addr), bytes(2, str(1, '10.1.0.6')), bytes(3, str(1, 'http'), vint(2, 8080), str(3, 'TCP')));
      const obj = decodeProtobufObject(envelope('v1', 'Endpoints', cat(bytes(1, str(1, 'web')), bytes(2, subset))));
      expect(obj).to.deep.equal({
        kind: 'Endpoints',
        apiVersion: 'v1',
        metadata: { name: 'web' },
        subsets: [
          {
            addresses: [{ ip: '10.1.0.5', nodeName: 'node-a', targetRef: { kind: 'Pod', namespace: 'default', name: 'web-1' } }],
            notReadyAddresses: [{ ip: '10.1.0.6' }],
            ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
          },
        ],
      });
    });

    it('EndpointSlice, with Go nil slices as null', () => {
      const ep = cat(
        str(1, '10.1.0.5'),
        bytes(2, vint(1, true), vint(2, true), vint(3, false)),
        str(6, 'node-a'),
        str(7, 'zone-a'),
        bytes(8, bytes(1, str(1, 'zone-a')), bytes(2, str(1, 'node-a'))),
      );
      const slice = cat(bytes(1, str(1, 'web-abc')), str(4, 'IPv4'), bytes(2, ep), bytes(3, str(1, ''), str(2, 'TCP'), vint(3, 8080)));
      expect(decodeProtobufObject(envelope('discovery.k8s.io/v1', 'EndpointSlice', slice))).to.deep.equal({
        kind: 'EndpointSlice',
        apiVersion: 'discovery.k8s.io/v1',
        metadata: { name: 'web-abc' },
        addressType: 'IPv4',
        endpoints: [
          {
            addresses: ['10.1.0.5'],
            conditions: { ready: true, serving: true, terminating: false },
            nodeName: 'node-a',
            zone: 'zone-a',
            hints: { forZones: [{ name: 'zone-a' }], forNodes: [{ name: 'node-a' }] },
          },
        ],
        ports: [{ name: '', protocol: 'TCP', port: 8080 }],
      });
      const empty = decodeProtobufObject(envelope('discovery.k8s.io/v1', 'EndpointSlice', str(4, 'IPv6')));
      expect(empty).to.deep.equal({ kind: 'EndpointSlice', apiVersion: 'discovery.k8s.io/v1', metadata: {}, addressType: 'IPv6', endpoints: null, ports: null });
    });

    it('negative int32 and large int64 values', () => {
      const spec = cat(bytes(1, vint(3, -1)));
      const svc = decodeProtobufObject(envelope('v1', 'Service', cat(bytes(1, vint(10, 2 ** 40)), bytes(2, spec)))) as {
        metadata: unknown;
        spec: { ports: { port: number }[] };
      };
      expect(svc.spec.ports[0]!.port).to.equal(-1);
      expect(svc.metadata).to.deep.equal({ deletionGracePeriodSeconds: 2 ** 40 });
    });

    it('skips unknown fields of every wire type', () => {
      const unknown = cat(vint(99, 5), tag(98, 1), [1, 2, 3, 4, 5, 6, 7, 8], tag(97, 5), [1, 2, 3, 4], str(96, 'x'));
      const obj = decodeProtobufObject(envelope('v1', 'Namespace', cat(unknown, bytes(1, cat(str(1, 'n'), unknown)))));
      expect(obj).to.deep.equal({ kind: 'Namespace', apiVersion: 'v1', metadata: { name: 'n' }, spec: {}, status: {} });
    });

    it('takes the kind from the request path when the envelope has none', () => {
      const body = Uint8Array.from(cat([0x6b, 0x38, 0x73, 0x00], bytes(2, bytes(1, str(1, 'n')))));
      expect(decodeProtobufObject(body, { apiVersion: 'v1', kind: 'Namespace' })).to.deep.equal({
        kind: 'Namespace',
        apiVersion: 'v1',
        metadata: { name: 'n' },
        spec: {},
        status: {},
      });
    });
  });

  describe('malformed input', () => {
    const cases: [string, Uint8Array, RegExp][] = [
      ['JSON instead of protobuf', new TextEncoder().encode('{"kind":"Service"}'), /does not appear to be a protobuf message, expected prefix \[107 56 115 0\]/],
      ['empty body', new Uint8Array(0), /expected prefix/],
      ['prefix only', Uint8Array.of(0x6b, 0x38, 0x73, 0x00), /Kind' is missing/],
      ['unregistered kind', envelope('v1', 'Pod', []), /no kind "Pod" is registered for version "v1"/],
      ['kind in the wrong group', envelope('v1', 'EndpointSlice', []), /no kind "EndpointSlice" is registered for version "v1"/],
      ['length past the end', Uint8Array.of(0x6b, 0x38, 0x73, 0x00, 0x12, 0x05, 0x0a), /unexpected EOF/],
      ['truncated varint', Uint8Array.of(0x6b, 0x38, 0x73, 0x00, 0x12), /unexpected EOF/],
      ['overlong varint', Uint8Array.of(0x6b, 0x38, 0x73, 0x00, ...Array(11).fill(0xff)), /integer overflow/],
      ['field number zero', Uint8Array.of(0x6b, 0x38, 0x73, 0x00, 0x02, 0x00), /illegal tag 0/],
      ['group wire type', Uint8Array.of(0x6b, 0x38, 0x73, 0x00, 0xfb, 0x01), /illegal wireType 3/],
      ['wrong wire type for a known field', envelope('v1', 'Service', bytes(2, vint(3, 1))), /wrong wireType = 0 for field clusterIP of ServiceSpec/],
      ['bad IntOrString type', envelope('v1', 'Service', bytes(2, bytes(1, bytes(4, vint(1, 7))))), /impossible type 7/],
      ['content encoding', Uint8Array.from(cat([0x6b, 0x38, 0x73, 0x00], bytes(1, str(1, 'v1'), str(2, 'Service')), str(3, 'gzip'))), /unsupported content encoding "gzip"/],
    ];
    for (const [name, body, message] of cases) {
      it(name, () => {
        expect(() => decodeProtobufObject(body)).to.throw(ProtobufDecodeError, message);
      });
    }

    it('every truncation of a real kubectl body fails cleanly', () => {
      const full = hexBytes(KUBECTL_BODIES.clusterIP);
      for (let n = 5; n < full.length; n++) {
        try {
          decodeProtobufObject(full.subarray(0, n));
        } catch (e) {
          expect(e, `cut at ${n}`).to.be.instanceOf(ProtobufDecodeError);
        }
      }
    });
  });
});
