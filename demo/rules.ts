import { readFileSync } from 'node:fs';

/** What proxy-sim has printed, as the walkthrough reads it for step 4. */
export interface RulesView {
  /** A point in proxy-sim's output; later waits only look at what came after it. */
  mark(): number;
  /**
   * Waits until proxy-sim's rules for the Service are as wanted (there or gone, holding some
   * texts), and returns what it printed about it since the mark.
   */
  waitFor(ref: string, since: number, want: Want, timeoutMs: number): Promise<{ met: boolean; text: string }>;
}

export interface Want {
  present: boolean;
  /** Texts the Service's rules must include. */
  contains?: string[];
}

/** Whether a whole rule set holds what is wanted of one Service. */
function satisfies(ruleset: string, ref: string, want: Want): boolean {
  const lines = linesFor(ruleset, ref);
  const text = lines.join('\n');
  return lines.some((l) => l.startsWith('-A ')) === want.present && (want.contains ?? []).every((c) => text.includes(c));
}

/** Lines of a restore text that belong to one Service: its rules, its chains, and deleted chains. */
function linesFor(text: string, ref: string): string[] {
  const lines = text.split('\n');
  const mine = lines.filter((l) => l.includes(` ${ref}`) || l.includes(`"${ref}`));
  const chains = new Set<string>();
  for (const l of mine) {
    for (const m of l.matchAll(/KUBE-(?:SVC|SVL|EXT|FW|SEP)-[A-Z0-9]{16}/g)) chains.add(m[0]);
  }
  return lines.filter(
    (l) =>
      l.startsWith('#') ||
      l.startsWith('*') ||
      l.startsWith('-X ') ||
      mine.includes(l) ||
      [...chains].some((c) => l.startsWith(`:${c} `) || l.startsWith(`-A ${c} `)),
  );
}

/** Longer than the walkthrough's --iptables-min-sync-period. */
const SETTLE_MS = 1500;

/** proxy-sim running in this process: every sync it printed, plus its current whole rule set. */
export class CapturedRules implements RulesView {
  readonly syncs: string[] = [];

  constructor(private readonly fullRuleset: () => string) {}

  record(text: string): void {
    this.syncs.push(text);
  }

  mark(): number {
    return this.syncs.length;
  }

  async waitFor(ref: string, since: number, want: Want, timeoutMs: number): Promise<{ met: boolean; text: string }> {
    const started = Date.now();
    const deadline = started + timeoutMs;
    for (;;) {
      const printed = this.syncs.slice(since).filter((s) => s.split('\n', 1)[0]!.includes(ref));
      // A Service that never gets rules (headless, ExternalName) never triggers a sync either, as
      // in kube-proxy; absence is then judged once a sync period has had time to pass.
      const settled = printed.length > 0 || (!want.present && Date.now() - started > SETTLE_MS);
      const met = settled && satisfies(this.fullRuleset(), ref, want);
      if (met || Date.now() > deadline) {
        const text = printed.map((s) => linesFor(s, ref).filter((l) => l !== '').join('\n')).join('\n');
        return { met, text };
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/**
 * proxy-sim in another container: the whole rule set it keeps in its --output-file (on a
 * dual-stack node, one file per family: FILE.ipv4 and FILE.ipv6).
 */
export class RulesFile implements RulesView {
  constructor(private readonly path: string) {}

  private read(): string {
    return [this.path, `${this.path}.ipv4`, `${this.path}.ipv6`]
      .map((p) => {
        try {
          return readFileSync(p, 'utf8');
        } catch {
          return '';
        }
      })
      .join('');
  }

  mark(): number {
    return 0;
  }

  async waitFor(ref: string, _since: number, want: Want, timeoutMs: number): Promise<{ met: boolean; text: string }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = this.read();
      const met = text !== '' && satisfies(text, ref, want);
      if (met || Date.now() > deadline) return { met, text: linesFor(text, ref).filter((l) => !l.startsWith('#')).join('\n') };
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
