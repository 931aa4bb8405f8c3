import { expect } from 'chai';
import { testNode } from '../testing/objects.js';
import { planAddresses } from './addresses.js';
import { checkLabName, labOf, parseNetnsList } from './names.js';

describe('lab node: address plan and namespace names', () => {
  it('puts the node addresses on the link, the remote node at the end of the subnet, the client at the end of the cluster CIDR', () => {
    const node = testNode({ nodeIP: '192.168.50.2', hostAddresses: ['127.0.0.1/8', '192.168.50.2/24', '2001:db8:50::2/64'], clusterCIDRs: ['10.244.0.0/16', 'fd00:244::/64'] });
    expect(planAddresses(node, [4, 6])).to.deep.equal([
      { family: 4, nodeAddresses: ['192.168.50.2/24'], nodeIP: '192.168.50.2', remoteIP: '192.168.50.254', remotePrefix: 24, clientIP: '10.244.255.254' },
      { family: 6, nodeAddresses: ['2001:db8:50::2/64'], nodeIP: '2001:db8:50::2', remoteIP: '2001:db8:50:0:ffff:ffff:ffff:fffe', remotePrefix: 64, clientIP: 'fd00:244::ffff:ffff:ffff:fffe' },
    ]);
  });

  it('without host addresses, the node IP gets a /24; the remote node avoids the node addresses', () => {
    const node = testNode({ nodeIP: '10.0.0.254', hostAddresses: [], clusterCIDRs: [] });
    const [plan] = planAddresses(node, [4]);
    expect(plan).to.include({ nodeIP: '10.0.0.254', remoteIP: '10.0.0.253', clientIP: '10.99.255.254' });
    expect(plan!.nodeAddresses).to.deep.equal(['10.0.0.254/24']);
  });

  it('refuses a loopback-only node and a subnet without room', () => {
    expect(() => planAddresses(testNode({ nodeIP: '127.0.0.1', hostAddresses: [] }), [4])).to.throw('--netns needs a non-loopback IPv4 node address');
    expect(() => planAddresses(testNode({ nodeIP: '192.168.9.9', hostAddresses: ['192.168.9.9/32'] }), [4])).to.throw('has no room for a second node');
  });

  it('names: only cliplab-<lab>-<role> belongs to a lab; lab names are short and plain', () => {
    expect(labOf('cliplab-demo-node')).to.equal('demo');
    expect(labOf('cliplab-my-lab-pod12')).to.equal('my-lab');
    expect(labOf('cliplab-3fa2b1c0')).to.equal(undefined);
    expect(labOf('other-demo-node')).to.equal(undefined);
    expect(parseNetnsList('cliplab-a-node (id: 3)\ncliplab-a-remote\n\n')).to.deep.equal(['cliplab-a-node', 'cliplab-a-remote']);
    expect(checkLabName('demo')).to.equal(undefined);
    expect(checkLabName('Bad_Name')).to.include('must be 1 to 20 lower-case letters');
  });
});
