import { expect } from 'chai';
import { isBrokenCircuitError } from 'cockatiel';
import { GRPCDeadlineExceededError } from 'etcd3';
import { MemberPolicy } from './member-policy.js';

/** MemberPolicy's rules for a member that lets calls run into their deadline, without etcd. */
describe('MemberPolicy: a member that does not answer in time', () => {
  const deadline = () => Promise.reject(new GRPCDeadlineExceededError('4 DEADLINE_EXCEEDED: Deadline exceeded'));
  const ok = () => Promise.resolve('ok');
  const settle = () => new Promise((r) => setTimeout(r, 10));

  function members(probe: () => Promise<unknown>): MemberPolicy[] {
    const all: MemberPolicy[] = [];
    for (const m of ['a', 'b', 'c']) all.push(new MemberPolicy(m, all, probe));
    return all;
  }

  it('is skipped once a call to it timed out while others answer, and readmitted when its probe answers', async () => {
    let probes = 0;
    let answer = false;
    const [a] = members(async () => {
      probes++;
      if (!answer) throw new Error('probe timed out');
    });
    await a!.execute(deadline).catch(() => undefined);
    expect(a!.reachable).to.equal(false);
    const skipped = await a!.execute(ok).catch((e: unknown) => e);
    expect(isBrokenCircuitError(skipped), String(skipped)).to.equal(true);
    await settle();
    expect(probes).to.equal(1);
    // The failed probe backs off: the next skip does not probe at once.
    await a!.execute(ok).catch(() => undefined);
    expect(probes).to.equal(1);
    answer = true;
    await new Promise((r) => setTimeout(r, 150));
    await a!.execute(ok).catch(() => undefined);
    await settle();
    expect(a!.reachable).to.equal(true);
    expect(await a!.execute(ok)).to.equal('ok');
  });

  it('is not skipped when every other member is down or suspect', async () => {
    const [a, b, c] = members(() => Promise.reject(new Error('no answer')));
    await a!.execute(deadline).catch(() => undefined);
    await b!.execute(deadline).catch(() => undefined);
    expect([a!.reachable, b!.reachable]).to.deep.equal([false, false]);
    // c's deadline came with no other member reachable: it stays the one that is asked.
    await c!.execute(deadline).catch(() => undefined);
    expect(c!.reachable).to.equal(true);
    expect(await c!.execute(ok)).to.equal('ok');
  });

  it('never lets a probe failure escape, thrown or rejected', async () => {
    const [a] = members(() => {
      throw new Error('probe client closed');
    });
    await a!.execute(deadline).catch(() => undefined);
    await a!.execute(ok).catch(() => undefined);
    await settle();
    expect(a!.reachable).to.equal(false);
  });
});
