/**
 * How the walkthrough prints: step headers, indented output, and colour only when stdout is a
 * terminal (and NO_COLOR is unset), so logs and CI stay plain text.
 */
export class Narrator {
  readonly color: boolean;
  failures = 0;

  constructor(
    private readonly write: (text: string) => void = (t) => process.stdout.write(t),
    /** Tests want a failed check to stop the scenario with its message. */
    private readonly throwOnFailure = false,
  ) {
    this.color = !!process.stdout.isTTY && !process.env.NO_COLOR && !throwOnFailure;
  }

  private paint(code: string, text: string): string {
    return this.color ? `\x1b[${code}m${text}\x1b[0m` : text;
  }

  scenario(n: number, title: string): void {
    this.write(`\n${this.paint('1;36', `=== Scenario ${n}: ${title} ===`)}\n`);
  }

  step(n: 1 | 2 | 3 | 4, title: string): void {
    this.write(`\n${this.paint('1', `[step ${n}/4] ${title}`)}\n`);
  }

  /** Beyond the four steps: real packets through the rules (the lab node). */
  step5(title: string): void {
    this.write(`\n${this.paint('1', `[step 5] ${title}`)}\n`);
  }

  command(text: string): void {
    this.write(`  ${this.paint('33', `$ ${text}`)}\n`);
  }

  block(text: string): void {
    const body = text.replace(/\s+$/, '');
    if (body) this.write(body.split('\n').map((l) => `    ${l}`).join('\n') + '\n');
  }

  note(text: string): void {
    this.write(`  ${this.paint('2', text)}\n`);
  }

  /** A check of what the step said would happen; failures make `--once` exit non-zero. */
  check(ok: boolean, what: string): void {
    if (!ok) this.failures++;
    this.write(`  ${ok ? this.paint('32', 'ok') : this.paint('31', 'FAILED')}: ${what}\n`);
    if (!ok && this.throwOnFailure) throw new Error(`check failed: ${what}`);
  }

  /** Shows a wait that may take a while, with a dot per second. */
  async waiting<T>(what: string, work: Promise<T>): Promise<T> {
    this.write(`  ${this.paint('2', `waiting for ${what}`)}`);
    const timer = setInterval(() => this.write(this.paint('2', '.')), 1000);
    try {
      return await work;
    } finally {
      clearInterval(timer);
      this.write('\n');
    }
  }

  plain(text: string): void {
    this.write(text);
  }
}
