import benchApiserver from './apiserver.bench.js';

/** `npm run bench`: every benchmark in turn; figures, not pass or fail. */
const benches: [string, () => Promise<void>][] = [['apiserver', benchApiserver]];
const only = process.argv[2];
for (const [name, run] of benches) {
  if (only && only !== name) continue;
  await run();
}
