import { expect } from 'chai';
import { checkTypes } from './type-check.js';

describe('openapi: Go decoding of request bodies', () => {
  const cases: [string, Record<string, unknown>, string | undefined][] = [
    ['a good Service', { metadata: { name: 'a', labels: { x: 'y' } }, spec: { ports: [{ port: 80, targetPort: 'http' }] } }, undefined],
    ['a string port', { spec: { ports: [{ port: '80' }] } }, 'json: cannot unmarshal string into Go struct field ServicePort.spec.ports.port of type int32'],
    ['a fractional port', { spec: { ports: [{ port: 80.5 }] } }, 'json: cannot unmarshal number 80.5 into Go struct field ServicePort.spec.ports.port of type int32'],
    ['ports not a list', { spec: { ports: 'nope' } }, 'json: cannot unmarshal string into Go struct field ServiceSpec.spec.ports of type []v1.ServicePort'],
    ['a port not an object', { spec: { ports: [1] } }, 'json: cannot unmarshal number 1 into Go struct field ServiceSpec.spec.ports of type v1.ServicePort'],
    ['spec a string', { spec: 'x' }, 'json: cannot unmarshal string into Go struct field Service.spec of type v1.ServiceSpec'],
    ['a label that is a number', { metadata: { labels: { a: 1 } } }, 'json: cannot unmarshal number 1 into Go struct field ObjectMeta.metadata.labels of type string'],
    ['clusterIPs of numbers', { spec: { clusterIPs: [1] } }, 'json: cannot unmarshal number 1 into Go struct field ServiceSpec.spec.clusterIPs of type string'],
    ['a targetPort object', { spec: { ports: [{ port: 1, targetPort: {} }] } }, 'json: cannot unmarshal object into Go value of type int32'],
  ];
  for (const [name, obj, want] of cases) {
    it(name, () => expect(checkTypes('Service', obj)).to.equal(want));
  }

  it('drops nulls, as Go leaves those fields at their zero value', () => {
    const obj: Record<string, any> = { metadata: { name: 'a', creationTimestamp: null }, spec: null };
    expect(checkTypes('Service', obj)).to.equal(undefined);
    expect(obj).to.deep.equal({ metadata: { name: 'a' } });
  });
});
