import { goQuote } from '../errors/go-format.js';
import { own } from '../patch/json-value.js';
import { COMPONENTS, KIND_COMPONENTS, type Prop, type ServedKind } from './schemas.js';

/**
 * Strict field validation (`?fieldValidation=Strict`): unknown and duplicate fields, reported
 * with the paths and wording of the apiserver's JSON decoder, e.g. `unknown field "spec.ports[0].bogus"`.
 */

/** What a position in the document may hold. */
type Node = { k: 'struct'; name: string } | { k: 'map' } | { k: 'list'; items: Node } | { k: 'leaf' };

const LEAF: Node = { k: 'leaf' };

function nodeOf(prop: Prop): Node {
  switch (prop.t) {
    case 'ref':
      return COMPONENTS[prop.ref]?.props ? { k: 'struct', name: prop.ref } : LEAF;
    case 'map':
      return { k: 'map' };
    case 'array':
      return { k: 'list', items: nodeOf(prop.items) };
    default:
      return LEAF;
  }
}

function child(node: Node, key: string): Node | undefined {
  if (node.k === 'map') return LEAF;
  if (node.k !== 'struct') return LEAF;
  // An own-property lookup: `constructor` or `__proto__` is an unknown field like any other.
  const prop = own(COMPONENTS[node.name]?.props, key);
  return prop ? nodeOf(prop) : undefined;
}

/** Upstream stops collecting after this many. */
const MAX_ERRORS = 100;

class Collector {
  readonly errors: string[] = [];
  private readonly seen = new Set<string>();
  add(type: 'unknown' | 'duplicate', path: string): void {
    const msg = `${type} field ${goQuote(path)}`;
    if (this.errors.length >= MAX_ERRORS || this.seen.has(msg)) return;
    this.seen.add(msg);
    this.errors.push(msg);
  }
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

/**
 * Unknown and duplicate fields of a JSON request body, in document order, as upstream's strict
 * decoder lists them. A body that is not valid JSON gives no strict errors (it fails decoding
 * anyway).
 */
export function strictFieldErrors(kind: ServedKind, json: string): string[] {
  const out = new Collector();
  try {
    new Scanner(json, out).value({ k: 'struct', name: KIND_COMPONENTS[kind] }, '');
  } catch (e) {
    if (!(e instanceof SyntaxError)) throw e;
  }
  return out.errors;
}

/**
 * Unknown fields of an already-decoded object (from YAML, or made by a patch), in key order.
 * With `prune` they are also deleted, as decoding into the Go types drops them: whatever the
 * field validation, an unknown field is never stored.
 */
export function unknownFields(kind: ServedKind, obj: unknown, options: { prune?: boolean } = {}): string[] {
  const out = new Collector();
  visitUnknown(kind, obj, (path, parent, key) => {
    out.add('unknown', path);
    if (options.prune) delete parent[key];
  });
  return out.errors;
}

/** The paths (`spec.ports[0].bogus`) of an object's unknown fields, in key order. */
export function unknownFieldPaths(kind: ServedKind, obj: unknown): string[] {
  const paths: string[] = [];
  visitUnknown(kind, obj, (path) => paths.push(path));
  return paths;
}

function visitUnknown(kind: ServedKind, obj: unknown, visit: (path: string, parent: Record<string, unknown>, key: string) => void): void {
  const walk = (node: Node, v: unknown, path: string) => {
    if (node.k === 'list' && Array.isArray(v)) v.forEach((x, i) => walk(node.items, x, `${path}[${i}]`));
    if (node.k !== 'struct' || typeof v !== 'object' || v === null || Array.isArray(v)) return;
    for (const [key, x] of Object.entries(v)) {
      const next = child(node, key);
      if (next) walk(next, x, join(path, key));
      else visit(join(path, key), v as Record<string, unknown>, key);
    }
  };
  walk({ k: 'struct', name: KIND_COMPONENTS[kind] }, obj, '');
}

/** The 400 message upstream gives a create or update whose body fails strict decoding. */
export function strictDecodingMessage(kind: ServedKind, errors: readonly string[]): string {
  const version = 'v1';
  return `${kind} in version ${goQuote(version)} cannot be handled as a ${kind}: strict decoding error: ${errors.join(', ')}`;
}

/** A small JSON reader that tracks where it is in the schema, only to report field errors. */
class Scanner {
  private pos = 0;
  constructor(
    private readonly s: string,
    private readonly out: Collector,
  ) {}

  value(node: Node | undefined, path: string): void {
    this.ws();
    const c = this.s[this.pos];
    // Only the schema's structs, maps and lists are walked (so recursion ends with the schema);
    // any other container holds no field errors and is skipped without recursion.
    if (c === '{' && node && (node.k === 'struct' || node.k === 'map')) this.object(node, path);
    else if (c === '[' && node?.k === 'list') this.array(node, path);
    else if (c === '{' || c === '[') this.skip();
    else if (c === '"') this.string();
    else this.literal();
  }

  /** Skips one object or array, counting brackets outside strings. */
  private skip(): void {
    let depth = 0;
    do {
      const c = this.s[this.pos];
      if (c === undefined) throw new SyntaxError('unexpected end');
      if (c === '"') {
        this.string();
        continue;
      }
      if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') depth--;
      this.pos++;
    } while (depth > 0);
  }

  private object(node: Node, path: string): void {
    this.pos++;
    const keys = new Set<string>();
    this.ws();
    if (this.s[this.pos] === '}') {
      this.pos++;
      return;
    }
    for (;;) {
      this.ws();
      const key = this.string();
      this.ws();
      this.expect(':');
      const next = child(node, key);
      if (!next) this.out.add('unknown', join(path, key));
      else if (keys.has(key)) this.out.add('duplicate', join(path, key));
      keys.add(key);
      this.value(next, join(path, key));
      this.ws();
      if (this.s[this.pos] === ',') {
        this.pos++;
        continue;
      }
      this.expect('}');
      return;
    }
  }

  private array(node: Node & { k: 'list' }, path: string): void {
    this.pos++;
    this.ws();
    if (this.s[this.pos] === ']') {
      this.pos++;
      return;
    }
    for (let i = 0; ; i++) {
      this.value(node.items, `${path}[${i}]`);
      this.ws();
      if (this.s[this.pos] === ',') {
        this.pos++;
        continue;
      }
      this.expect(']');
      return;
    }
  }

  private string(): string {
    const start = this.pos;
    if (this.s[this.pos] !== '"') throw new SyntaxError('expected a string');
    this.pos++;
    while (this.pos < this.s.length && this.s[this.pos] !== '"') this.pos += this.s[this.pos] === '\\' ? 2 : 1;
    this.pos++;
    return JSON.parse(this.s.slice(start, this.pos)) as string;
  }

  private literal(): void {
    const m = /^(?:-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(this.s.slice(this.pos, this.pos + 400));
    if (!m) throw new SyntaxError('unexpected token');
    this.pos += m[0].length;
  }

  private ws(): void {
    while (this.pos < this.s.length && ' \t\n\r'.includes(this.s[this.pos]!)) this.pos++;
  }

  private expect(c: string): void {
    if (this.s[this.pos] !== c) throw new SyntaxError(`expected ${c}`);
    this.pos++;
  }
}
