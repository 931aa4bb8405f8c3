/**
 * `npm run bench`: runs each benchmark module in turn. A module's default export prints its
 * own table. Benchmarks are not tests: they assert nothing and are not run by `npm test`.
 */
const modules = ['./proxy-sim.bench.js'];

for (const path of modules) {
  const mod = (await import(path)) as { default: () => Promise<void> };
  await mod.default();
}
