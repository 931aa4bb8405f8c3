import { expect } from 'chai';
import { endpointChainName, isServiceChainName, portProtoHash } from './chain-names.js';

describe('chain names: base32(sha256(...))[:16]', () => {
  const portHashes: [string, string, string][] = [
    ['ns1/svc1:p80', 'tcp', 'XPGD46QRK7WJZT7O'],
    ['ns1/svc1', 'tcp', 'AQI2S6QIMU7PVVRP'],
    ['ns5/svc5:p80', 'tcp', 'NUKIZ6OKUXPJNT4C'],
    ['ns/s:p8080', 'sctp', 'VMYAMQ6OV3C4KVFO'],
  ];
  for (const [name, proto, hash] of portHashes) {
    it(`portProtoHash(${name}, ${proto}) = ${hash}`, () => expect(portProtoHash(name, proto)).to.equal(hash));
  }

  const endpointChains: [string, string, string, string][] = [
    ['ns1/svc1:p80', 'tcp', '10.180.0.1:80', 'KUBE-SEP-SXIVWICOYRO3J4NJ'],
    ['ns1/svc1:p80', 'tcp', '[ff06::c1]:80', 'KUBE-SEP-LIGRYQQLSZN4UWQ5'],
    ['ns2/svc2:dns', 'udp', '10.0.0.5:53', 'KUBE-SEP-PICWIXDB4H7C5MPS'],
  ];
  for (const [name, proto, endpoint, chain] of endpointChains) {
    it(`endpointChainName(${name}, ${proto}, ${endpoint}) = ${chain}`, () => expect(endpointChainName(name, proto, endpoint)).to.equal(chain));
  }

  const owned: [string, boolean][] = [
    ['KUBE-SVC-XPGD46QRK7WJZT7O', true],
    ['KUBE-SVL-XPGD46QRK7WJZT7O', true],
    ['KUBE-EXT-XPGD46QRK7WJZT7O', true],
    ['KUBE-FW-XPGD46QRK7WJZT7O', true],
    ['KUBE-SEP-SXIVWICOYRO3J4NJ', true],
    ['KUBE-SERVICES', false],
    ['KUBE-MARK-MASQ', false],
    ['KUBE-XLB-XPGD46QRK7WJZT7O', false],
  ];
  for (const [chain, want] of owned) {
    it(`isServiceChainName(${chain}) = ${want}`, () => expect(isServiceChainName(chain)).to.equal(want));
  }
});
