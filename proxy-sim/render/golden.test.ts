import { expect } from 'chai';
import { chainRules, normalizeRestore } from '../testing/normalize.js';
import { goldenConfig, goldenObjects, readTestdata } from '../testing/golden.js';
import { renderSnapshot } from './snapshot.js';

describe('golden cases from kube-proxy unit tests', () => {
  it('01 TestOverallIPTablesRules: whole ruleset, byte for byte after normalisation', () => {
    const { services, slices } = goldenObjects('01-overall');
    const actual = renderSnapshot(goldenConfig('01-overall'), services, slices);
    expect(normalizeRestore(actual)).to.equal(readTestdata('golden/01-overall/expected.iptables-restore'));
  });

  for (const randomFully of [false, true]) {
    it(`04 TestMasqueradeRule: KUBE-POSTROUTING with randomFully=${randomFully}`, () => {
      const cfg = { ...goldenConfig('04-masquerade'), randomFully };
      const actual = renderSnapshot(cfg, [], []);
      const expected = readTestdata(`golden/04-masquerade/expected.KUBE-POSTROUTING.randomFully-${randomFully}.txt`);
      expect(chainRules(actual, 'nat', 'KUBE-POSTROUTING').join('\n') + '\n').to.equal(expected);
    });
  }
});
