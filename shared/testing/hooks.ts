import { stopSharedEtcd } from './etcd.js';

/** Mocha root hooks, loaded through .mocharc.json. */
export const mochaHooks = {
  async afterAll(this: Mocha.Context) {
    this.timeout(30_000);
    await stopSharedEtcd();
  },
};
