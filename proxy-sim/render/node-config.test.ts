import { expect } from 'chai';
import { testNode } from '../testing/objects.js';
import { buildProxierConfig, type NodeSettings } from './node-config.js';

describe('node settings to proxier configuration (NewProxier adjustments)', () => {
  const cases: [string, Partial<NodeSettings>, 4 | 6, { localhostNodePorts: boolean; nodePortIPs: string[] | undefined; detector: string | undefined }][] = [
    ['defaults: match-all NodePorts, localhost NodePorts on', {}, 4, { localhostNodePorts: true, nodePortIPs: undefined, detector: '! -s 10.0.0.0/8' }],
    ['IPv6 never has localhost NodePorts', {}, 6, { localhostNodePorts: false, nodePortIPs: undefined, detector: '! -s fd00:10::/64' }],
    ['--iptables-localhost-nodeports=false', { localhostNodePorts: false }, 4, { localhostNodePorts: false, nodePortIPs: undefined, detector: '! -s 10.0.0.0/8' }],
    ['nodeport addresses without loopback turn localhost NodePorts off', { nodePortAddresses: ['192.168.0.0/24'] }, 4, { localhostNodePorts: false, nodePortIPs: ['192.168.0.2'], detector: '! -s 10.0.0.0/8' }],
    ['nodeport addresses with loopback keep them', { nodePortAddresses: ['192.168.0.0/16', '127.0.0.0/8'] }, 4, { localhostNodePorts: true, nodePortIPs: ['127.0.0.1', '192.168.0.2', '192.168.1.2'], detector: '! -s 10.0.0.0/8' }],
    ['nodeport addresses with loopback, localhost NodePorts off: loopback skipped', { nodePortAddresses: ['0.0.0.0/1'], localhostNodePorts: false }, 4, { localhostNodePorts: false, nodePortIPs: [], detector: '! -s 10.0.0.0/8' }],
    ['0.0.0.0/0 among others is match-all', { nodePortAddresses: ['192.168.0.0/24', '0.0.0.0/0'] }, 4, { localhostNodePorts: true, nodePortIPs: undefined, detector: '! -s 10.0.0.0/8' }],
    ['only IPv6 CIDRs: the IPv4 proxier matches all', { nodePortAddresses: ['2001:db8::/64'] }, 4, { localhostNodePorts: true, nodePortIPs: undefined, detector: '! -s 10.0.0.0/8' }],
    ['IPv6 CIDRs on the IPv6 proxier; ::1 is never a NodePort address', { nodePortAddresses: ['::/1', '2001:db8::/32'] }, 6, { localhostNodePorts: false, nodePortIPs: ['2001:db8::1'], detector: '! -s fd00:10::/64' }],
    ['primary: the node IP', { nodePortAddresses: ['primary'] }, 4, { localhostNodePorts: false, nodePortIPs: ['192.168.0.2'], detector: '! -s 10.0.0.0/8' }],
    ['NoOp detector', { detectLocalMode: 'NoOp' }, 4, { localhostNodePorts: true, nodePortIPs: undefined, detector: undefined }],
    ['ClusterCIDR without a CIDR of this family is NoOp', { clusterCIDRs: ['10.0.0.0/8'] }, 6, { localhostNodePorts: false, nodePortIPs: undefined, detector: undefined }],
  ];
  for (const [name, overrides, family, want] of cases) {
    it(name, () => {
      const cfg = buildProxierConfig(testNode(overrides), family);
      expect({ localhostNodePorts: cfg.localhostNodePorts, nodePortIPs: cfg.nodePortIPs, detector: cfg.localDetector?.ifNotLocal }).to.deep.equal(want);
    });
  }

  it('computes the mark from the bit, and finds a node IP of each family', () => {
    const v4 = buildProxierConfig(testNode({ masqueradeBit: 15 }), 4);
    const v6 = buildProxierConfig(testNode(), 6);
    expect(v4.masqueradeMark).to.equal('0x00008000');
    expect(v4.nodeIP?.family).to.equal(4);
    expect(v6.nodeIP?.family).to.equal(6);
  });
});
