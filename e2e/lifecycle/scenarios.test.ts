import { Narrator } from '../../demo/narrator.js';
import { SCENARIOS, type WalkthroughContext } from '../../demo/scenarios.js';
import { startEtcdOrSkip } from './docker.js';
import { LifecycleStack } from './stack.js';

/**
 * The walkthrough's scenarios as tests, on the real parts: etcd in a container, the apiserver
 * and proxy-sim as processes, the real kubectl. Every step's check (kubectl's exit code and
 * output, the apiserver's answer, the etcd keys, proxy-sim's rules) must hold.
 */
describe('e2e lifecycle: the four steps, scenario by scenario (Testcontainers)', function () {
  this.timeout(120_000);
  const stack = new LifecycleStack();
  let ctx: WalkthroughContext;
  const transcript: string[] = [];

  before(async function () {
    await startEtcdOrSkip(this, stack);
    const api = await stack.startApiserver();
    await stack.startProxySim();
    ctx = {
      client: stack.kubectl,
      narrator: new Narrator((t) => transcript.push(t), true),
      etcd: stack.client,
      root: '/registry',
      rules: stack.rules,
      server: api.url,
      apiserverLog: stack.apiserverLog,
      rulesTimeoutMs: 15_000,
      rulesAreSyncs: true,
    };
  });
  after(async () => stack.stop());
  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(transcript.join(''));
    transcript.length = 0;
  });

  for (const scenario of SCENARIOS) {
    it(scenario.title, async () => {
      await scenario.run(ctx);
    });
  }
});
