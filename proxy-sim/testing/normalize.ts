/**
 * The upstream tests' normalisation of iptables-restore input (sortIPTablesRules after
 * ParseIPTablesDump), as the golden README describes it: it makes kube-proxy's random Go-map
 * order comparable. Test-only.
 */
interface Chain {
  name: string;
  counters: string;
  rules: string[];
  deleted: boolean;
}

interface Table {
  name: string;
  chains: Map<string, Chain>;
}

function parseRestore(text: string): Table[] {
  const tables: Table[] = [];
  let table: Table | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('*')) {
      table = { name: line.slice(1), chains: new Map() };
      tables.push(table);
      continue;
    }
    if (!table) throw new Error(`line outside a table: ${line}`);
    if (line === 'COMMIT') {
      table = undefined;
    } else if (line.startsWith(':')) {
      const [name, , counters] = line.slice(1).split(' ');
      table.chains.set(name!, { name: name!, counters: counters ?? '[0:0]', rules: [], deleted: false });
    } else if (line.startsWith('-A ')) {
      const name = line.split(' ')[1]!;
      const chain = table.chains.get(name);
      if (!chain) throw new Error(`rule for undeclared chain ${name}: ${line}`);
      chain.rules.push(line);
    } else if (line.startsWith('-X ')) {
      const name = line.slice(3);
      const chain = table.chains.get(name);
      if (!chain) throw new Error(`-X of undeclared chain ${name}`);
      chain.deleted = true;
    } else {
      throw new Error(`unexpected line: ${line}`);
    }
  }
  return tables;
}

function chainRank(name: string): number {
  if (name === 'KUBE-NODEPORTS') return 0;
  if (name === 'KUBE-SERVICES') return 1;
  return name.startsWith('KUBE-') ? 2 : 3;
}

function byteCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The --comment value with quotes removed, cut at the first space or ':'. */
function ruleServiceName(rule: string): string | undefined {
  const at = rule.indexOf('--comment ');
  if (at < 0) return undefined;
  let rest = rule.slice(at + '--comment '.length);
  rest = rest.startsWith('"') ? rest.slice(1, rest.indexOf('"', 1)) : rest.split(' ')[0]!;
  const cut = rest.search(/[ :]/);
  return cut < 0 ? rest : rest.slice(0, cut);
}

function sortByService(rules: string[], lastRuleMarker: boolean): void {
  rules.sort((a, b) => {
    if (lastRuleMarker) {
      const la = a.includes('must be the last rule');
      const lb = b.includes('must be the last rule');
      if (la !== lb) return la ? 1 : -1;
    }
    const na = ruleServiceName(a);
    const nb = ruleServiceName(b);
    if (na === undefined || nb === undefined) return 0;
    return byteCompare(na, nb);
  });
}

export function normalizeRestore(text: string): string {
  const tables = parseRestore(text).sort((a, b) => byteCompare(a.name, b.name));
  let out = '';
  for (const table of tables) {
    const chains = [...table.chains.values()].sort((a, b) => chainRank(a.name) - chainRank(b.name) || byteCompare(a.name, b.name));
    for (const chain of chains) {
      const key = `${table.name}/${chain.name}`;
      if (key === 'filter/KUBE-NODEPORTS' || key === 'nat/KUBE-NODEPORTS' || key === 'filter/KUBE-SERVICES') sortByService(chain.rules, false);
      if (key === 'nat/KUBE-SERVICES') sortByService(chain.rules, true);
    }
    out += `*${table.name}\n`;
    for (const chain of chains) out += `:${chain.name} - ${chain.counters}\n`;
    for (const chain of chains) for (const rule of chain.rules) out += rule + '\n';
    for (const chain of chains) if (chain.deleted) out += `-X ${chain.name}\n`;
    out += 'COMMIT\n';
  }
  return out;
}

/** The rules of one chain, in output order. */
export function chainRules(text: string, table: string, chain: string): string[] {
  return parseRestore(text).find((t) => t.name === table)?.chains.get(chain)?.rules ?? [];
}
