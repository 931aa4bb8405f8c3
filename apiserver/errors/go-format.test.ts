import { expect } from 'chai';
import { goValue } from './go-format.js';

describe("go-format: Go's %v of decoded JSON", () => {
  const cases: [unknown, string][] = [
    [null, '<nil>'],
    ['a b', 'a b'],
    [true, 'true'],
    [80, '80'],
    [-3, '-3'],
    [1.5, '1.5'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [1234567.5, '1.2345675e+06'],
    [[], '[]'],
    [['x', 1, null], '[x 1 <nil>]'],
    [{}, 'map[]'],
    [{ b: 1, a: { d: [{ port: 80 }], c: 'x' } }, 'map[a:map[c:x d:[map[port:80]]] b:1]'],
    [{ '$setElementOrder/ports': [{ port: 80 }], Z: 1 }, 'map[$setElementOrder/ports:[map[port:80]] Z:1]'],
  ];
  for (const [value, text] of cases) {
    it(`${JSON.stringify(value)} -> ${text}`, () => expect(goValue(value)).to.equal(text));
  }
});
