import { isNode, parseDocument, visit, type Document } from 'yaml';
import { clone, JSONSyntaxError, parseJSON, type JsonValue } from './json-value.js';

/**
 * The deepest YAML (that is not JSON) handed to the yaml library. Go's YAML decoder nests 10,000
 * deep, but the library recurses: around 800 levels it overflows the stack, and far deeper it can
 * take the process down while compiling a regular expression with no stack left. Deeper
 * documents are refused first, in go-yaml's words with this project's limit.
 */
export const MAX_YAML_DEPTH = 500;

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
  refuseRecursiveAliases(doc);
  return clone(doc.toJS() as JsonValue);
}

/**
 * An alias inside the node its anchor names (`a: &x [*x]`) makes the yaml library build a cyclic
 * value, which no JSON value can hold: copying it would never end and hang the process. go-yaml
 * refuses such a document, and so does this, in its words.
 */
function refuseRecursiveAliases(doc: Document.Parsed): void {
  visit(doc, {
    Alias(_key, alias, path) {
      const target = alias.resolve(doc);
      if (isNode(target) && path.includes(target)) throw new Error(`yaml: anchor '${alias.source}' value contains itself`);
    },
  });
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
