import { expect } from 'chai';
import { progressIsOrdered } from './watch-progress.js';

describe('progressIsOrdered: etcd versions whose progress answers keep to the event order', () => {
  const cases: [string, boolean][] = [
    ['3.4.23', false],
    ['3.4.30', false],
    ['3.4.31', true],
    ['3.5.12', false],
    ['3.5.13', true],
    ['3.5.21', true],
    ['3.6.0', true],
    ['3.3.27', false],
  ];
  for (const [version, ordered] of cases) {
    it(`${version}: ${ordered}`, () => expect(progressIsOrdered(version)).to.equal(ordered));
  }
});
