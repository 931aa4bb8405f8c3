import { aggregateMessage, invalid, type FieldError } from '../errors/field.js';
import { goQuote, goStringSlice } from '../errors/go-format.js';
import { isValidLabelValue } from '../validation/labels.js';
import { isQualifiedName } from '../validation/qualified-name.js';
import { own } from '../patch/json-value.js';

/** A selector string the server cannot parse; answered as 400 BadRequest with this message. */
export class SelectorError extends Error {
  override name = 'SelectorError';
}

type LabelOperator = 'in' | 'notin' | '=' | '==' | '!=' | 'exists' | '!' | 'gt' | 'lt';

interface LabelRequirement {
  key: string;
  operator: LabelOperator;
  /** Sorted and de-duplicated, as upstream keeps them. */
  values: string[];
}

/** Requirements ANDed together, sorted by key. An empty list selects everything. */
type LabelSelector = readonly LabelRequirement[];

type Token = 'end' | 'error' | ')' | ',' | '!' | '==' | '=' | '>' | 'in' | '<' | '!=' | 'notin' | '(' | 'id';

const KEYWORDS: Record<string, Token> = { ')': ')', ',': ',', '!': '!', '==': '==', '=': '=', '>': '>', in: 'in', '<': '<', '!=': '!=', notin: 'notin', '(': '(' };
const SPECIAL = new Set(['=', '!', '(', ')', ',', '>', '<']);
const WHITESPACE = new Set([' ', '\t', '\r', '\n']);

function lex(s: string): { tok: Token; lit: string }[] {
  const out: { tok: Token; lit: string }[] = [];
  let pos = 0;
  for (;;) {
    while (pos < s.length && WHITESPACE.has(s[pos]!)) pos++;
    if (pos >= s.length) {
      out.push({ tok: 'end', lit: '' });
      return out;
    }
    if (SPECIAL.has(s[pos]!)) {
      // The longest run of special characters that still forms an operator.
      let buf = '';
      let last: { tok: Token; lit: string } | undefined;
      while (pos < s.length && SPECIAL.has(s[pos]!)) {
        buf += s[pos];
        const t = own(KEYWORDS, buf);
        if (t) last = { tok: t, lit: buf };
        else if (last) break;
        pos++;
      }
      out.push(last ?? { tok: 'error', lit: `error expected: keyword found '${buf}'` });
      continue;
    }
    let buf = '';
    while (pos < s.length && !SPECIAL.has(s[pos]!) && !WHITESPACE.has(s[pos]!)) buf += s[pos++];
    // Own lookups: a label key such as `constructor` is an identifier, not an inherited member.
    out.push({ tok: own(KEYWORDS, buf) ?? 'id', lit: buf });
  }
}

/**
 * Parses a label selector as the apiserver does for `?labelSelector=` (equality- and
 * set-based, `!key`, `key`, and `>`/`<`), with upstream's error messages.
 */
export function parseLabelSelector(selector: string): LabelSelector {
  const items = lex(selector);
  let pos = 0;
  // In value position "in"/"notin" are plain identifiers.
  const asValue = (t: Token): Token => (t === 'in' || t === 'notin' ? 'id' : t);
  const peek = (values = true) => ({ tok: values ? asValue(items[pos]!.tok) : items[pos]!.tok, lit: items[pos]!.lit });
  const next = (values = true) => {
    const item = peek(values);
    pos++;
    return item;
  };

  const requirements: LabelRequirement[] = [];
  for (;;) {
    const { tok, lit } = peek();
    if (tok === 'end') break;
    if (tok !== 'id' && tok !== '!') throw new SelectorError(`found '${lit}', expected: !, identifier, or 'end of string'`);
    try {
      requirements.push(parseRequirement());
    } catch (e) {
      if (e instanceof SelectorError) throw new SelectorError(`unable to parse requirement: ${e.message}`);
      throw e;
    }
    const after = next();
    if (after.tok === 'end') break;
    if (after.tok !== ',') throw new SelectorError(`found '${after.lit}', expected: ',' or 'end of string'`);
    const ahead = peek();
    if (ahead.tok !== 'id' && ahead.tok !== '!') throw new SelectorError(`found '${ahead.lit}', expected: identifier after ','`);
  }
  return requirements.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

  function parseRequirement(): LabelRequirement {
    let { tok, lit } = next();
    let operator: LabelOperator | undefined;
    if (tok === '!') {
      operator = '!';
      ({ tok, lit } = next());
    }
    if (tok !== 'id') throw new SelectorError(`found '${lit}', expected: identifier`);
    const keyError = validateKey(lit, '<nil>');
    if (keyError) throw new SelectorError(aggregateMessage([keyError]));
    const key = lit;
    // `!key` is complete by itself; whatever follows is the caller's to judge.
    if (operator === '!') return requirement(key, '!', []);
    const ahead = peek().tok;
    if (ahead === 'end' || ahead === ',') return requirement(key, 'exists', []);

    const op = next(false);
    switch (op.tok) {
      case 'in':
      case 'notin':
        return requirement(key, op.tok, parseSet());
      case '=':
      case '==':
      case '!=':
        return requirement(key, op.tok, parseExact());
      case '>':
        return requirement(key, 'gt', parseExact());
      case '<':
        return requirement(key, 'lt', parseExact());
      default:
        throw new SelectorError(`found '${op.lit}', expected: in, notin, =, ==, !=, gt, lt`);
    }
  }

  function parseSet(): string[] {
    const open = next();
    if (open.tok !== '(') throw new SelectorError(`found '${open.lit}' expected: '('`);
    const first = peek();
    if (first.tok === ')') {
      next();
      return [''];
    }
    if (first.tok !== 'id' && first.tok !== ',') throw new SelectorError(`found '${first.lit}', expected: ',', ')' or identifier`);
    const values = new Set<string>();
    for (;;) {
      const t = next();
      if (t.tok === 'id') {
        values.add(t.lit);
        const n = peek();
        if (n.tok === ',') continue;
        if (n.tok === ')') break;
        throw new SelectorError(`found '${n.lit}', expected: ',' or ')'`);
      } else if (t.tok === ',') {
        if (values.size === 0) values.add('');
        const n = peek();
        if (n.tok === ')') {
          values.add('');
          break;
        }
        if (n.tok === ',') {
          next();
          values.add('');
        }
      } else {
        throw new SelectorError(`found '${t.lit}', expected: ',', or identifier`);
      }
    }
    if (next().tok !== ')') throw new SelectorError(`found '${first.lit}', expected: ')'`);
    return [...values];
  }

  function parseExact(): string[] {
    const t = peek();
    if (t.tok === 'end' || t.tok === ',') return [''];
    next();
    if (t.tok === 'id') return [t.lit];
    throw new SelectorError(`found '${t.lit}', expected: identifier`);
  }
}

function requirement(key: string, operator: LabelOperator, rawValues: string[]): LabelRequirement {
  const values = [...new Set(rawValues)].sort();
  const errors: FieldError[] = [];
  const keyError = validateKey(key, 'key');
  if (keyError) errors.push(keyError);
  if ((operator === 'in' || operator === 'notin') && values.length === 0) {
    errors.push(invalid('values', goStringSlice(values), "for 'in', 'notin' operators, values set can't be empty"));
  }
  if (operator === 'gt' || operator === 'lt') {
    values.forEach((v, i) => {
      if (!/^[+-]?\d+$/.test(v) || !int64Range(v)) {
        errors.push(invalid(`values[${i}]`, goQuote(v), "for 'Gt', 'Lt' operators, the value must be an integer"));
      }
    });
  }
  values.forEach((v, i) => {
    const msgs = isValidLabelValue(v);
    if (msgs.length) errors.push(invalid(`values[${i}][${key}]`, goQuote(v), msgs.join('; ')));
  });
  if (errors.length) throw new SelectorError(aggregateMessage(errors));
  return { key, operator, values };
}

const int64Range = (v: string) => {
  const n = BigInt(v);
  return n >= -(2n ** 63n) && n < 2n ** 63n;
};

/** True when the labels satisfy every requirement. */
export function matchesLabels(selector: LabelSelector, labels: Readonly<Record<string, string>> | undefined): boolean {
  const ls = labels ?? {};
  return selector.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(ls, r.key);
    const value = has ? ls[r.key]! : undefined;
    switch (r.operator) {
      case 'in':
      case '=':
      case '==':
        return has && r.values.includes(value!);
      case 'notin':
      case '!=':
        return !has || !r.values.includes(value!);
      case 'exists':
        return has;
      case '!':
        return !has;
      case 'gt':
      case 'lt': {
        if (!has || !/^[+-]?\d+$/.test(value!) || !int64Range(value!) || r.values.length !== 1) return false;
        const lv = BigInt(value!);
        const rv = BigInt(r.values[0]!);
        return r.operator === 'gt' ? lv > rv : lv < rv;
      }
    }
  });
}

function validateKey(key: string, field: string): FieldError | undefined {
  const errs = isQualifiedName(key);
  return errs.length ? invalid(field, goQuote(key), errs.join('; ')) : undefined;
}
