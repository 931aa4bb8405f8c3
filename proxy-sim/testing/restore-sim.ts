/**
 * A model of what `iptables-restore --noflush` does to the tables, for tests: a `:CHAIN` line
 * creates or flushes a chain, `-A` appends, `-X` deletes, chains the input does not mention
 * are kept. Like the kernel, it refuses a table whose rules jump to a missing chain, and the
 * deletion of a chain something still jumps to.
 */
const BUILTIN_TARGETS = new Set(['ACCEPT', 'DROP', 'REJECT', 'RETURN', 'DNAT', 'SNAT', 'MASQUERADE', 'MARK']);

export class RestoreSim {
  private readonly tables = new Map<string, Map<string, string[]>>();

  apply(text: string): void {
    let table: string | undefined;
    let next: Map<string, string[]> | undefined;
    let deletions: string[] = [];
    for (const raw of text.split('\n')) {
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) continue;
      if (line.startsWith('*')) {
        table = line.slice(1);
        // Work on a copy: a table is committed whole or not at all.
        next = new Map([...(this.tables.get(table) ?? new Map<string, string[]>())].map(([k, v]) => [k, [...v]]));
        deletions = [];
      } else if (line === 'COMMIT') {
        for (const chain of deletions) next!.delete(chain);
        this.check(table!, next!, deletions);
        this.tables.set(table!, next!);
        table = undefined;
      } else if (line.startsWith(':')) {
        next!.set(line.slice(1).split(' ')[0]!, []);
      } else if (line.startsWith('-A ')) {
        const chain = line.split(' ')[1]!;
        const rules = next!.get(chain);
        if (!rules) throw new Error(`${table}: -A to missing chain ${chain}`);
        rules.push(line);
      } else if (line.startsWith('-X ')) {
        deletions.push(line.slice(3));
      } else {
        throw new Error(`unexpected line: ${line}`);
      }
    }
  }

  private check(table: string, chains: Map<string, string[]>, deleted: string[]): void {
    for (const [chain, rules] of chains) {
      for (const rule of rules) {
        const target = / -j (\S+)/.exec(rule)?.[1];
        if (!target || BUILTIN_TARGETS.has(target)) continue;
        if (!chains.has(target)) {
          throw new Error(`${table}: ${chain} jumps to ${deleted.includes(target) ? 'deleted' : 'missing'} chain ${target}`);
        }
      }
    }
  }

  /** The chains of `table`, sorted by name. */
  chains(table: string): string[] {
    return [...(this.tables.get(table)?.keys() ?? [])].sort();
  }

  /** Everything, in restore format (normalise it to compare). */
  save(): string {
    let out = '';
    for (const [name, chains] of [...this.tables].sort(([a], [b]) => (a < b ? -1 : 1))) {
      out += `*${name}\n`;
      for (const chain of chains.keys()) out += `:${chain} - [0:0]\n`;
      for (const rules of chains.values()) for (const r of rules) out += r + '\n';
      out += 'COMMIT\n';
    }
    return out;
  }
}
