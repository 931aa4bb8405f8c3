import { spawnSync } from 'node:child_process';

interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion; a command that cannot start reports status 127. */
export function run(cmd: string, args: readonly string[], input?: string): RunResult {
  const res = spawnSync(cmd, args, { input, encoding: 'utf8', maxBuffer: 256 * 2 ** 20 });
  if (res.error) return { status: 127, stdout: '', stderr: res.error.message };
  return { status: res.status ?? 1, stdout: res.stdout, stderr: res.stderr };
}

/** Runs a command; throws with its stderr when it fails. */
export function must(cmd: string, args: readonly string[], input?: string): string {
  const res = run(cmd, args, input);
  if (res.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${res.stderr.trim() || `exit status ${res.status}`}`);
  return res.stdout;
}

/** Runs a command inside a network namespace. */
export function inNs(ns: string, cmd: string, args: readonly string[], input?: string): string {
  return must('ip', ['netns', 'exec', ns, cmd, ...args], input);
}
