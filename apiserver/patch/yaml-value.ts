import { isAlias, isCollection, isNode, isPair, parseDocument, visit, type Document, type Node } from 'yaml';
import { clone, JSONSyntaxError, parseJSON, type JsonValue } from './json-value.js';

/**
 * The deepest YAML (that is not JSON) handed to the yaml library. Go's YAML decoder nests 10,000
 * deep, but the library recurses: around 800 levels it overflows the stack, and far deeper it can
 * take the process down while compiling a regular expression with no stack left. Deeper
 * documents are refused first, in go-yaml's words with this project's limit.
 */
const MAX_YAML_DEPTH = 500;

/**
 * Parses a YAML document (JSON included) into a safe JSON value. JSON text, which most clients
 * send even as YAML, takes the JSON parser: the same value, Go's limit of 10,000 levels.
 * Throws an Error with the YAML parser's message for a malformed document.
 */
export function parseYAMLValue(text: string): JsonValue {
  try {
    return parseJSON(text);
  } catch (err) {
    if (!(err instanceof JSONSyntaxError)) throw err;
  }
  if (yamlDepthBound(text) > MAX_YAML_DEPTH) throw new Error(`yaml: exceeded max depth of ${MAX_YAML_DEPTH}`);
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw doc.errors[0]!;
  checkAliases(doc);
  return clone(doc.toJS() as JsonValue);
}

/**
 * What go-yaml checks of aliases before it builds a value. An alias inside the node its anchor
 * names (`a: &x [*x]`) would make the yaml library build a cyclic value, whose copy never ends.
 * And a document whose aliases expand it far beyond its size (a "billion laughs", or a hundred
 * aliases of one long list, which the library's alias count lets through) would take the
 * process's memory: go-yaml counts the nodes it decodes, those reached through an alias apart,
 * and refuses once their ratio passes its bound. Both are refused in go-yaml's words.
 */
function checkAliases(doc: Document.Parsed): void {
  const sizes = new Map<Node, number>();
  const expanded = (node: unknown): number => {
    if (!isNode(node)) return 0;
    const known = sizes.get(node);
    if (known !== undefined) return known;
    let size = 1;
    if (isAlias(node)) size += expanded(node.resolve(doc));
    else if (isCollection(node)) for (const item of node.items) size += isPair(item) ? expanded(item.key) + expanded(item.value) : expanded(item);
    sizes.set(node, size);
    return size;
  };
  let decoded = 0;
  let aliased = 0;
  visit(doc, {
    Node(_key, node, path) {
      decoded++;
      if (!isAlias(node)) return;
      const target = node.resolve(doc);
      if (isNode(target) && path.includes(target)) throw new Error(`yaml: anchor '${node.source}' value contains itself`);
      const size = expanded(target);
      decoded += size;
      aliased += size;
      if (aliased > 100 && decoded > 1000 && aliased / decoded > allowedAliasRatio(decoded)) throw new Error('yaml: document contains excessive aliasing');
    },
  });
}

/** go-yaml's bound on the share of nodes decoded through aliases: 99 % up to 400,000 nodes, falling to 10 % at 4,000,000. */
function allowedAliasRatio(decoded: number): number {
  const low = 400_000;
  const high = 4_000_000;
  if (decoded <= low) return 0.99;
  if (decoded >= high) return 0.1;
  return 0.99 - 0.89 * ((decoded - low) / (high - low));
}

/**
 * An upper bound of a YAML document's nesting: per line, the indentation plus the block
 * indicators (`- `, `? `, `: `) that open it, plus the flow brackets open outside quotes.
 */
function yamlDepthBound(text: string): number {
  let max = 0;
  let flow = 0;
  let quote: '"' | "'" | undefined;
  for (const line of text.split('\n')) {
    const indent = line.length - line.trimStart().length;
    let rest = line.slice(indent);
    let indicators = 0;
    for (let m = /^[-?:](\s+|$)/.exec(rest); m && !quote && flow === 0; m = /^[-?:](\s+|$)/.exec(rest)) {
      indicators++;
      rest = rest.slice(m[0].length);
    }
    max = Math.max(max, indent + indicators + flow);
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (quote) {
        if (c === '\\' && quote === '"') i++;
        else if (c === quote) quote = undefined;
      } else if (c === '"' || c === "'") {
        quote = c;
      } else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]!))) {
        break;
      } else if (c === '[' || c === '{') {
        flow++;
        max = Math.max(max, indent + indicators + flow);
      } else if ((c === ']' || c === '}') && flow > 0) {
        flow--;
      }
    }
  }
  return max;
}
