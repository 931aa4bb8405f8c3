import type { LifecycleStack } from './stack.js';

/**
 * The lifecycle tests need etcd in a container. Where Docker is missing, or its etcd image
 * cannot be had, they are skipped on a developer's machine and fail on CI (CI=true), where
 * .ci/run starts a Docker engine and builds ETCD_IMAGE.
 */
export async function startEtcdOrSkip(ctx: Mocha.Context, stack: LifecycleStack): Promise<void> {
  try {
    await stack.startEtcd();
  } catch (err) {
    if (process.env.CI === 'true') throw err;
    console.log(`      (skipping the Testcontainers lifecycle tests: ${(err as Error).message.split('\n')[0]})`);
    ctx.skip();
  }
}
