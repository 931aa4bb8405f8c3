import { expect } from 'chai';
import { compareServiceNames } from './order.js';

describe('Service name order', () => {
  const cases: [string, string, number][] = [
    ['ns/a', 'ns/b', -1],
    ['ns/a', 'ns/ab', -1],
    ['ns1/z', 'ns1-a/a', -1], // by namespace first, even though "/" > "-"
    ['a/x', 'ab/a', -1],
    ['b/x', 'a/y', 1],
    ['ns/a', 'ns/a', 0],
  ];
  for (const [a, b, want] of cases) {
    it(`${a} ${want < 0 ? '<' : want > 0 ? '>' : '='} ${b}`, () => {
      expect(Math.sign(compareServiceNames(a, b))).to.equal(want);
      expect(Math.sign(compareServiceNames(b, a))).to.equal(-want);
    });
  }
});
