/**
 * The rules of an iptables-restore input, parsed into the matches the tracer understands.
 * Only the shapes proxy-sim itself writes are understood; any other match makes the rule
 * "unknown", which the tracer treats as not matching and says so.
 */

export interface AddressMatch {
  value: string;
  negated: boolean;
}

export interface Rule {
  table: string;
  chain: string;
  /** The rule as written, `-A CHAIN ...`. */
  raw: string;
  comment?: string;
  source?: AddressMatch;
  destination?: AddressMatch;
  protocol?: string;
  dport?: number;
  srcType?: AddressMatch;
  dstType?: AddressMatch;
  /** `-m statistic --mode random --probability p`. */
  probability?: number;
  /** Matches on state this packet has no history of: conntrack state, the mark, `recent --rcheck`. */
  stateful?: string;
  /** `-m recent --set`: the packet is recorded for session affinity. */
  recentSet?: string;
  target?: string;
  dnatTo?: string;
  /** Options the tracer does not know; the rule is then treated as not matching. */
  unknown?: string;
}

export type Tables = Map<string, Map<string, Rule[]>>;

/** Splits a rule line into words as iptables-restore does: double quotes group words. */
export function splitWords(line: string): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') {
      quoted = !quoted;
      inWord = true;
    } else if (!quoted && (ch === ' ' || ch === '\t')) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(cur);
  return words;
}

export function parseRule(table: string, line: string): Rule {
  const w = splitWords(line);
  const rule: Rule = { table, chain: w[1] ?? '', raw: line };
  const unknown: string[] = [];
  let negate = false;
  let recentName = '';
  for (let i = 2; i < w.length; i++) {
    const word = w[i]!;
    const next = () => w[++i] ?? '';
    switch (word) {
      case '!':
        negate = true;
        continue;
      case '-m':
        next();
        break;
      case '--comment':
        rule.comment = next();
        break;
      case '-s':
        rule.source = { value: next(), negated: negate };
        break;
      case '-d':
        rule.destination = { value: next(), negated: negate };
        break;
      case '-p':
        rule.protocol = next();
        break;
      case '--dport':
        rule.dport = Number(next());
        break;
      case '--src-type':
        rule.srcType = { value: next(), negated: negate };
        break;
      case '--dst-type':
        rule.dstType = { value: next(), negated: negate };
        break;
      case '--mode':
        if (next() !== 'random') unknown.push('statistic mode');
        break;
      case '--probability':
        rule.probability = Number(next());
        break;
      case '--ctstate':
        rule.stateful = `conntrack state ${negate ? 'not ' : ''}${next()}`;
        break;
      case '--mark':
        rule.stateful = `mark ${negate ? 'not ' : ''}${next()}`;
        break;
      case '--name':
        recentName = next();
        break;
      case '--rcheck':
        rule.stateful = `an earlier connection from this source recorded in ${recentName}`;
        break;
      case '--set':
        rule.recentSet = recentName;
        break;
      case '--reap':
        break;
      case '--seconds':
      case '--nfacct-name':
        next();
        break;
      case '-j':
        rule.target = next();
        break;
      case '--to-destination':
        rule.dnatTo = next();
        break;
      case '--or-mark':
      case '--xor-mark':
        next();
        break;
      case '--random-fully':
        break;
      default:
        unknown.push(word);
    }
    negate = false;
  }
  if (unknown.length > 0) rule.unknown = unknown.join(' ');
  return rule;
}

/** The chains of every table in a restore input (or an iptables-save listing), in order. */
export function parseTables(text: string): Tables {
  const tables: Tables = new Map();
  let chains: Map<string, Rule[]> | undefined;
  let table = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('*')) {
      table = line.slice(1);
      chains = tables.get(table) ?? new Map<string, Rule[]>();
      tables.set(table, chains);
    } else if (line.startsWith(':') && chains) {
      const name = line.slice(1).split(' ')[0]!;
      if (!chains.has(name)) chains.set(name, []);
    } else if (line.startsWith('-A ') && chains) {
      const rule = parseRule(table, line);
      let rules = chains.get(rule.chain);
      if (!rules) chains.set(rule.chain, (rules = []));
      rules.push(rule);
    } else if (line.startsWith('-X ') && chains) {
      chains.delete(line.slice(3).trim());
    }
  }
  return tables;
}
