/**
 * The pure tests (npm run test:unit) are the files .mocharc.unit.json lists; that config loads
 * unit-hooks.js, which turns the guard below on. A listed file that reaches for etcd then fails
 * at once, so the list cannot quietly grow an integration test.
 */
export function refuseInUnitRun(what: string): void {
  if (process.env.CLUSTERIP_LAB_UNIT_ONLY === '1') {
    throw new Error(`${what} in a unit run: this file is an integration test, remove it from .mocharc.unit.json`);
  }
}
