import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

/**
 * A throw-away network namespace, so tests can hand rules to the real kernel parser without
 * touching the host's tables: every command runs under `ip netns exec`.
 */
export class NetNamespace {
  readonly name = `cliplab-${randomBytes(4).toString('hex')}`;
  private created = false;

  /** Why this machine cannot run the namespace tests, or undefined when it can. */
  static unavailable(): string | undefined {
    if (process.getuid?.() !== 0) return 'not running as root';
    for (const cmd of ['ip', 'iptables-restore', 'ip6tables-restore', 'iptables-save']) {
      if (spawnSync('sh', ['-c', `command -v ${cmd}`]).status !== 0) return `${cmd} is not installed`;
    }
    return undefined;
  }

  create(): void {
    run('ip', ['netns', 'add', this.name]);
    this.created = true;
  }

  destroy(): void {
    if (this.created) spawnSync('ip', ['netns', 'del', this.name]);
    this.created = false;
  }

  /** Runs a command in the namespace with `input` on stdin; returns its output, or throws. */
  exec(cmd: string, args: string[], input?: string): string {
    return run('ip', ['netns', 'exec', this.name, cmd, ...args], input);
  }
}

function run(cmd: string, args: string[], input?: string): string {
  const res = spawnSync(cmd, args, { input, encoding: 'utf8', maxBuffer: 256 * 2 ** 20 });
  if (res.error) throw res.error;
  if (res.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${res.status}: ${res.stderr}`);
  return res.stdout;
}
