import { SelectorError } from './label-selector.js';

export interface FieldRequirement {
  field: string;
  operator: '=' | '!=';
  value: string;
}

/** Terms ANDed together. An empty list selects everything. */
export type FieldSelector = readonly FieldRequirement[];

/** The kinds this server serves, by the name field selectors are validated against. */
export type SelectableKind = 'Service' | 'Endpoints' | 'EndpointSlice' | 'Namespace';

/**
 * The field labels each kind accepts (the scheme's field label conversion functions, v1.33).
 * Kinds without their own function get the default: metadata.name and metadata.namespace.
 */
const SUPPORTED: Record<SelectableKind, readonly string[] | undefined> = {
  Service: ['metadata.namespace', 'metadata.name', 'spec.clusterIP', 'spec.type'],
  Namespace: ['status.phase', 'metadata.name'],
  Endpoints: undefined,
  EndpointSlice: undefined,
};

/**
 * Parses `?fieldSelector=` (terms `a=b`, `a==b`, `a!=b` joined by `,`, with `\` escapes in
 * values) and checks each field against what the kind supports, as the apiserver does before
 * listing or watching. Errors carry upstream's text; the server answers them with 400.
 */
export function parseFieldSelector(selector: string, kind: SelectableKind): FieldSelector {
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

function checkFieldLabel(kind: SelectableKind, field: string): void {
  const supported = SUPPORTED[kind];
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

/**
 * The selectable field values of an object (the registry's GetAttrs). Missing values read as "",
 * so `spec.clusterIP!=None` keeps services with no clusterIP.
 */
export function selectableFields(kind: SelectableKind, obj: unknown): Record<string, string> {
  const o = (obj ?? {}) as { metadata?: { name?: string; namespace?: string }; spec?: { clusterIP?: string; type?: string }; status?: { phase?: string } };
  const fields: Record<string, string> = { 'metadata.name': o.metadata?.name ?? '' };
  if (kind !== 'Namespace') fields['metadata.namespace'] = o.metadata?.namespace ?? '';
  if (kind === 'Service') {
    fields['spec.clusterIP'] = o.spec?.clusterIP ?? '';
    fields['spec.type'] = o.spec?.type ?? '';
  }
  if (kind === 'Namespace') fields['status.phase'] = o.status?.phase ?? '';
  return fields;
}

export function matchesFields(selector: FieldSelector, fields: Readonly<Record<string, string>>): boolean {
  return selector.every((r) => ((fields[r.field] ?? '') === r.value) === (r.operator === '='));
}

/** The value a selector pins `field` to, if it is exactly `field=value` (used for single-object watches). */
export function requiresExactMatch(selector: FieldSelector, field: string): string | undefined {
  for (const r of selector) if (r.field === field && r.operator === '=') return r.value;
  return undefined;
}
