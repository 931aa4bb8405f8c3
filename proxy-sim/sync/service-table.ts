import { compareServiceNames } from '../model/order.js';
import type { ServicePortInfo } from '../model/service-port.js';
import type { ServicePortRules } from '../render/service-rules.js';

/** One Service with ports, and the parts of its rules every sync writes. */
export interface ServiceState {
  readonly name: string;
  ports: readonly ServicePortInfo[];
  endpointCount: number;
  /** Its per-service chains, whichever way large-cluster mode is. */
  chains: readonly string[];
  filter: string;
  /** Its KUBE-SERVICES and KUBE-NODEPORTS rules: what a sync that skips its chains writes. */
  natJumps: string;
}

interface Entry extends ServiceState {
  block: Block;
}

/** Renders one Service's ports; `large` is large-cluster mode. */
type RenderService = (state: ServiceState, large: boolean) => ServicePortRules[];

interface FullText {
  large: boolean;
  chainLines: string;
  natRules: string;
}

interface Block {
  states: Entry[];
  filter?: string;
  natJumps?: string;
  /** The block's part of a full sync, rendered in one go. */
  full?: FullText;
}

const BLOCK_SIZE = 64;

/**
 * The Services with ports, in name order, cut into blocks of about 64 whose joined text is
 * cached.
 *
 * Every sync writes every Service's top-level rules: they are kept per Service (they are
 * small) and joined per block, so after one Service changes only its block is joined again.
 * The per-service chains, almost all of the text, are kept only as one string per block,
 * rendered for the whole block at once. Such a string is large enough for V8 to allocate
 * outside the young generation, so the garbage collector never copies it, which matters at
 * tens of megabytes; and a partial sync renders just the Services it writes.
 */
export class ServiceTable {
  private readonly blocks: Block[] = [];
  private readonly byName = new Map<string, Entry>();

  constructor(private readonly render: RenderService) {}

  get(name: string): ServiceState | undefined {
    return this.byName.get(name);
  }

  /** All Services, in name order. */
  all(): ServiceState[] {
    const out: ServiceState[] = [];
    for (const b of this.blocks) for (const s of b.states) out.push(s);
    return out;
  }

  /** Adds a Service, or returns the one already there. */
  add(name: string): ServiceState {
    const existing = this.byName.get(name);
    if (existing) return existing;
    if (this.blocks.length === 0) this.blocks.push({ states: [] });
    const bi = this.blockOf(name);
    const block = this.blocks[bi]!;
    const entry: Entry = { name, ports: [], endpointCount: 0, chains: [], filter: '', natJumps: '', block };
    this.byName.set(name, entry);
    block.states.splice(this.indexIn(block, name), 0, entry);
    this.invalidate(block);
    if (block.states.length > 2 * BLOCK_SIZE) {
      const moved = block.states.splice(BLOCK_SIZE);
      const next: Block = { states: moved };
      for (const e of moved) e.block = next;
      this.blocks.splice(bi + 1, 0, next);
    }
    return entry;
  }

  remove(name: string): void {
    const entry = this.byName.get(name);
    if (!entry) return;
    this.byName.delete(name);
    const block = entry.block;
    block.states.splice(block.states.indexOf(entry), 1);
    this.invalidate(block);
    if (block.states.length === 0) this.blocks.splice(this.blocks.indexOf(block), 1);
  }

  /** Drops the cached text that includes `state`, whose ports or endpoints changed. */
  touch(state: ServiceState): void {
    this.invalidate((state as Entry).block);
  }

  /** Renders a changed Service and returns its rules, for a sync that writes its chains. */
  update(state: ServiceState, large: boolean): ServicePortRules[] {
    const rules = this.render(state, large);
    this.keep(state, rules);
    this.invalidate((state as Entry).block);
    return rules;
  }

  /** Every Service's filter rules. */
  filter(): string[] {
    return this.blocks.map((b) => (b.filter ??= join(b.states.map((s) => s.filter))));
  }

  /** Top-level nat rules of every Service; `synced` Services' own chain rules follow theirs. */
  natRules(synced: ReadonlyMap<string, readonly ServicePortRules[]>): string[] {
    const out: string[] = [];
    for (const b of this.blocks) {
      if (!b.states.some((s) => synced.has(s.name))) {
        out.push((b.natJumps ??= join(b.states.map((s) => s.natJumps))));
        continue;
      }
      for (const s of b.states) {
        const rules = synced.get(s.name);
        if (!rules) out.push(s.natJumps);
        else for (const r of rules) out.push(r.natJumps, r.chainRules);
      }
    }
    return out;
  }

  /** `:CHAIN` lines of the `synced` Services, in name order. */
  chainLines(synced: ReadonlyMap<string, readonly ServicePortRules[]>): string[] {
    const names = [...synced.keys()].filter((n) => this.byName.has(n)).sort(compareServiceNames);
    return names.flatMap((n) => synced.get(n)!.map((r) => r.chainLines));
  }

  /** The chain lines and nat rules of a full sync, per block, rendering blocks as needed. */
  full(large: boolean): { chainLines: string[]; natRules: string[] } {
    const chainLines: string[] = [];
    const natRules: string[] = [];
    for (const b of this.blocks) {
      if (b.full?.large !== large) {
        const lines: string[] = [];
        const rules: string[] = [];
        for (const s of b.states) {
          const rendered = this.render(s, large);
          this.keep(s, rendered);
          for (const r of rendered) {
            lines.push(r.chainLines);
            rules.push(r.natJumps, r.chainRules);
          }
        }
        b.full = { large, chainLines: lines.join(''), natRules: rules.join('') };
      }
      chainLines.push(b.full.chainLines);
      natRules.push(b.full.natRules);
    }
    return { chainLines, natRules };
  }

  private keep(state: ServiceState, rules: readonly ServicePortRules[]): void {
    state.chains = rules.length === 1 ? rules[0]!.chains : rules.flatMap((r) => r.chains);
    state.filter = join(rules.map((r) => r.filter));
    state.natJumps = join(rules.map((r) => r.natJumps));
  }

  private invalidate(block: Block): void {
    block.filter = block.natJumps = block.full = undefined;
  }

  /** The block that would hold `name`: the last one starting at or before it. */
  private blockOf(name: string): number {
    let lo = 0;
    let hi = this.blocks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      const first = this.blocks[mid]!.states[0];
      if (first && compareServiceNames(first.name, name) <= 0) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private indexIn(block: Block, name: string): number {
    let lo = 0;
    let hi = block.states.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareServiceNames(block.states[mid]!.name, name) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

function join(parts: string[]): string {
  return parts.length === 1 ? parts[0]! : parts.join('');
}
