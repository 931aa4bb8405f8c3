import { expect } from 'chai';
import { masqueradeMark, probability } from './format.js';

describe('Go number formatting', () => {
  const probabilities: [number, string][] = [
    [2, '0.5000000000'],
    [3, '0.3333333333'],
    [7, '0.1428571429'],
    [1000, '0.0010000000'],
    // An exact tie at the 11th decimal: Go rounds half to even, toFixed would round up.
    [2048, '0.0004882812'],
    [4096, '0.0002441406'],
    [100001, '0.0000099999'],
  ];
  for (const [n, want] of probabilities) {
    it(`probability(${n}) = %0.10f of 1/${n} = ${want}`, () => expect(probability(n)).to.equal(want));
  }

  const marks: [number, string][] = [
    [14, '0x00004000'],
    [0, '0x00000001'],
    [1, '0x00000002'],
    [31, '0x80000000'],
  ];
  for (const [bit, want] of marks) {
    it(`masqueradeMark(${bit}) = %#08x = ${want}`, () => expect(masqueradeMark(bit)).to.equal(want));
  }
});
