import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** A program of this project run as its own process, with its output kept line by line. */
export class ProjectProcess {
  readonly lines: string[] = [];
  private readonly listeners = new Set<(chunk: string) => void>();
  private readonly child: ChildProcess;
  private partial = '';

  constructor(program: 'apiserver' | 'proxy-sim', args: string[]) {
    const main = fileURLToPath(new URL(`../../${program}/main.js`, import.meta.url));
    this.child = spawn(process.execPath, [main, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const take = (chunk: Buffer, stdout: boolean) => {
      const text = chunk.toString('utf8');
      if (stdout) for (const l of this.listeners) l(text);
      const parts = (this.partial + text).split('\n');
      this.partial = parts.pop()!;
      this.lines.push(...parts);
    };
    this.child.stdout!.on('data', (chunk: Buffer) => take(chunk, true));
    this.child.stderr!.on('data', (chunk: Buffer) => take(chunk, false));
  }

  /** Every chunk of standard output from now on. */
  onOutput(listener: (chunk: string) => void): void {
    this.listeners.add(listener);
  }

  async waitForLine(pattern: RegExp, timeoutMs = 30_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = this.lines.find((l) => pattern.test(l));
      if (line) return line;
      if (this.child.exitCode !== null) throw new Error(`process exited with ${this.child.exitCode}:\n${this.lines.join('\n')}`);
      if (Date.now() > deadline) throw new Error(`no line matching ${pattern} in:\n${this.lines.slice(-20).join('\n')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}
