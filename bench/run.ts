import benchApiserver from './apiserver.bench.js';
import benchFailover from './failover.bench.js';
import benchProxySim from './proxy-sim.bench.js';
import benchScale from './scale.bench.js';

/**
 * `npm run bench`: every benchmark in turn, or the one named (`npm run bench -- proxy-sim`).
 * Benchmarks print figures; they assert nothing and are not run by `npm test`.
 */
const benches: [string, () => Promise<void>][] = [
  ['apiserver', benchApiserver],
  ['proxy-sim', benchProxySim],
  ['failover', benchFailover],
];
// Minutes long and 100,000 Services: only when asked for by name.
const onDemand: [string, () => Promise<void>][] = [['scale', benchScale]];
const only = process.argv[2];
for (const [name, run] of only ? [...benches, ...onDemand] : benches) {
  if (only && only !== name) continue;
  await run();
}
