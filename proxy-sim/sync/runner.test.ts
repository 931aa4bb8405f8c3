import { expect } from 'chai';
import { BoundedFrequencyRunner, type RunReason } from './runner.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const tick = () => new Promise((r) => setImmediate(r));

describe('BoundedFrequencyRunner', () => {
  let runner: BoundedFrequencyRunner | undefined;
  afterEach(() => runner?.stop());

  function start(minIntervalMs: number, maxIntervalMs = 60_000) {
    const runs: { reason: RunReason; at: number }[] = [];
    const t0 = Date.now();
    runner = new BoundedFrequencyRunner((reason) => runs.push({ reason, at: Date.now() - t0 }), { minIntervalMs, maxIntervalMs });
    return runs;
  }

  it('coalesces requests made in one turn of the event loop', async () => {
    const runs = start(0);
    for (let i = 0; i < 100; i++) runner!.run();
    await tick();
    await tick();
    expect(runs.map((r) => r.reason)).to.deep.equal(['changes']);
  });

  it('allows a burst of 2, then one run per min interval, coalescing what waits', async () => {
    const runs = start(200);
    for (let i = 0; i < 10; i++) {
      runner!.run();
      await tick();
    }
    expect(runs).to.have.length(2);
    await sleep(300);
    expect(runs).to.have.length(3);
    expect(runs[2]!.at).to.be.within(150, 300);
    await sleep(300);
    expect(runs).to.have.length(3);
  });

  it('runs at least every max interval', async () => {
    const runs = start(0, 100);
    runner!.start();
    await sleep(250);
    expect(runs.map((r) => r.reason)).to.deep.equal(['periodic', 'periodic']);
  });

  it('retries after the given delay', async () => {
    const runs = start(0);
    runner!.retryAfter(50);
    await sleep(20);
    expect(runs).to.have.length(0);
    await sleep(80);
    expect(runs.map((r) => r.reason)).to.deep.equal(['retry']);
  });
});
