import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * scripts/compose.sh picks `docker compose` (v2) where the plugin answers, else Debian's v1
 * `docker-compose`. Checked with stand-in programs on a PATH of their own, so no Docker is needed.
 */
describe('scripts/compose.sh: whichever Compose exists', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  const pick = (programs: Record<string, string>) => {
    const bin = mkdtempSync(join(tmpdir(), 'clusterip-lab-compose-'));
    dirs.push(bin);
    for (const [name, script] of Object.entries(programs)) {
      writeFileSync(join(bin, name), `#!/bin/sh\n${script}\n`);
      chmodSync(join(bin, name), 0o755);
    }
    const res = spawnSync('/bin/bash', ['--norc', '--noprofile', '-c', `. ${resolve('scripts/compose.sh')} && compose_command`], { env: { PATH: bin, HOME: bin }, encoding: 'utf8' });
    return { code: res.status, out: res.stdout.trim(), err: res.stderr.trim() };
  };

  it('prefers the v2 plugin', () => {
    expect(pick({ docker: '[ "$1" = compose ] && exit 0; exit 1', 'docker-compose': 'exit 0' })).to.include({ code: 0, out: 'docker compose' });
  });
  it('falls back to the v1 binary when docker has no compose plugin', () => {
    expect(pick({ docker: 'echo "docker: unknown command: docker compose" >&2; exit 1', 'docker-compose': 'exit 0' })).to.include({ code: 0, out: 'docker-compose' });
  });
  it('says so when there is neither', () => {
    expect(pick({})).to.deep.include({ code: 1, out: '', err: "neither 'docker compose' nor 'docker-compose' is installed" });
  });
});
