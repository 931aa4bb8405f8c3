import { SelectorError } from './label-selector.js';
import { own } from '../patch/json-value.js';

interface FieldRequirement {
  field: string;
  operator: '=' | '!=';
  value: string;
}

/** Terms ANDed together. An empty list selects everything. */
type FieldSelector = readonly FieldRequirement[];

/**
 * The field labels a kind accepts and their values on an object (the scheme's field label
 * conversion functions and the registry's GetAttrs, v1.33). Kinds without their own conversion
 * function accept the default: metadata.name and metadata.namespace.
 */
export interface SelectableFields {
  /** The accepted labels; undefined for the default set, which has its own error text. */
  supported?: readonly string[];
  /** The values of the selectable fields; missing values read as "", so `spec.clusterIP!=None` keeps Services without one. */
  values(obj: unknown): Record<string, string>;
}

interface Fielded {
  metadata?: { name?: string; namespace?: string };
  spec?: { clusterIP?: string; type?: string };
  status?: { phase?: string };
}

const metadataValues = (obj: unknown, namespaced: boolean): Record<string, string> => {
  const o = (obj ?? {}) as Fielded;
  const fields: Record<string, string> = { 'metadata.name': o.metadata?.name ?? '' };
  if (namespaced) fields['metadata.namespace'] = o.metadata?.namespace ?? '';
  return fields;
};

/** The default: metadata.name, and metadata.namespace for namespaced kinds. */
export const metadataFields = (namespaced: boolean): SelectableFields => ({ values: (obj) => metadataValues(obj, namespaced) });

export const serviceFields: SelectableFields = {
  supported: ['metadata.namespace', 'metadata.name', 'spec.clusterIP', 'spec.type'],
  values(obj) {
    const o = (obj ?? {}) as Fielded;
    return { ...metadataValues(obj, true), 'spec.clusterIP': o.spec?.clusterIP ?? '', 'spec.type': o.spec?.type ?? '' };
  },
};

export const namespaceFields: SelectableFields = {
  supported: ['status.phase', 'metadata.name'],
  values: (obj) => ({ ...metadataValues(obj, false), 'status.phase': ((obj ?? {}) as Fielded).status?.phase ?? '' }),
};

/**
 * Parses `?fieldSelector=` (terms `a=b`, `a==b`, `a!=b` joined by `,`, with `\` escapes in
 * values) and checks each field against what the kind supports, as the apiserver does before
 * listing or watching. Errors carry upstream's text; the server answers them with 400.
 */
export function parseFieldSelector(selector: string, kind: SelectableFields): FieldSelector {
  const terms = splitTerms(selector).sort();
  const out: FieldRequirement[] = [];
  for (const term of terms) {
    if (term === '') continue;
    const split = splitTerm(term);
    if (!split) throw new SelectorError(`invalid selector: '${selector}'; can't understand '${term}'`);
    out.push({ field: split.field, operator: split.op === '!=' ? '!=' : '=', value: unescapeValue(split.rhs) });
  }
  for (const r of out) {
    // An empty term (field and value both empty) selects everything and is not checked.
    if (r.field === '' && r.value === '') continue;
    checkFieldLabel(kind, r.field);
  }
  return out.filter((r) => r.field !== '' || r.value !== '');
}

function checkFieldLabel(kind: SelectableFields, field: string): void {
  const supported = kind.supported;
  if (supported) {
    if (!supported.includes(field)) throw new SelectorError(`field label not supported: ${field}`);
  } else if (field !== 'metadata.name' && field !== 'metadata.namespace') {
    throw new SelectorError(`${JSON.stringify(field)} is not a known field selector: only "metadata.name", "metadata.namespace"`);
  }
}

function splitTerms(s: string): string[] {
  if (s === '') return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (inSlash) inSlash = false;
    else if (c === '\\') inSlash = true;
    else if (c === ',') {
      terms.push(s.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(s.slice(start));
  return terms;
}

/** Splits at the first operator; `!=` and `==` are tried before `=`. */
function splitTerm(term: string): { field: string; op: string; rhs: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of ['!=', '==', '=']) {
      if (term.startsWith(op, i)) return { field: term.slice(0, i), op, rhs: term.slice(i + op.length) };
    }
  }
  return undefined;
}

function unescapeValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = '';
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c !== '\\' && c !== ',' && c !== '=') throw new SelectorError(`invalid field selector: invalid escape sequence: \\${c}`);
      out += c;
      inSlash = false;
    } else if (c === '\\') {
      inSlash = true;
    } else if (c === ',' || c === '=') {
      throw new SelectorError(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`);
    } else {
      out += c;
    }
  }
  if (inSlash) throw new SelectorError('invalid field selector: invalid escape sequence: \\');
  return out;
}

export function matchesFields(selector: FieldSelector, fields: Readonly<Record<string, string>>): boolean {
  return selector.every((r) => ((own(fields, r.field) ?? '') === r.value) === (r.operator === '='));
}

/** The value a selector pins `field` to, if it is exactly `field=value` (used for single-object watches). */
export function requiresExactMatch(selector: FieldSelector, field: string): string | undefined {
  for (const r of selector) if (r.field === field && r.operator === '=') return r.value;
  return undefined;
}
