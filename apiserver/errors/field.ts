import { goQuote } from './go-format.js';

type FieldErrorType =
  | 'FieldValueRequired'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueDuplicate'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'FieldValueNotFound'
  | 'InternalError';

/** One apimachinery field.Error. `value` is already rendered as Go would print it. */
export interface FieldError {
  type: FieldErrorType;
  field: string;
  value?: string;
  detail: string;
}

export const required = (field: string, detail = ''): FieldError => ({ type: 'FieldValueRequired', field, detail });
export const forbidden = (field: string, detail: string): FieldError => ({ type: 'FieldValueForbidden', field, detail });
export const invalid = (field: string, value: string, detail: string): FieldError => ({ type: 'FieldValueInvalid', field, value, detail });
export const duplicate = (field: string, value: string): FieldError => ({ type: 'FieldValueDuplicate', field, value, detail: '' });
/** field.TooLong as of apimachinery 1.32+ (earlier releases said `must have at most N bytes`). */
export const tooLong = (field: string, max: number): FieldError => ({
  type: 'FieldValueTooLong',
  field,
  detail: `may not be more than ${max} bytes`,
});
export const tooMany = (field: string, actual: number, max: number): FieldError => ({
  type: 'FieldValueTooMany',
  field,
  value: String(actual),
  detail: `must have at most ${max} items`,
});

/** An Unsupported value error; the supported values are listed sorted and quoted, as upstream. */
export function notSupported(field: string, value: string, supported: readonly string[]): FieldError {
  const list = [...supported].sort().map(goQuote).join(', ');
  return { type: 'FieldValueNotSupported', field, value, detail: list ? `supported values: ${list}` : '' };
}

/** The text after `<field>: `, as field.Error.ErrorBody renders it. */
export function errorBody(e: FieldError): string {
  switch (e.type) {
    case 'FieldValueRequired':
      return e.detail ? `Required value: ${e.detail}` : 'Required value';
    case 'FieldValueForbidden':
      return e.detail ? `Forbidden: ${e.detail}` : 'Forbidden';
    case 'FieldValueTooLong':
      return `Too long: ${e.detail}`;
    case 'FieldValueTooMany':
      return `Too many: ${e.value}: ${e.detail}`;
    case 'InternalError':
      return `Internal error: ${e.detail}`;
    case 'FieldValueNotFound':
      return withDetail(`Not found: ${e.value}`, e.detail);
    case 'FieldValueDuplicate':
      return withDetail(`Duplicate value: ${e.value}`, e.detail);
    case 'FieldValueNotSupported':
      return withDetail(`Unsupported value: ${e.value}`, e.detail);
    case 'FieldValueInvalid':
      return withDetail(`Invalid value: ${e.value}`, e.detail);
  }
}

function withDetail(head: string, detail: string): string {
  return detail ? `${head}: ${detail}` : head;
}

export function errorString(e: FieldError): string {
  return `${e.field}: ${errorBody(e)}`;
}

/** utilerrors.NewAggregate(...).Error(): one message, or `[a, b]` with duplicates removed. */
export function aggregateMessage(errors: readonly FieldError[]): string {
  const seen = new Set<string>();
  const messages: string[] = [];
  for (const e of errors) {
    const msg = errorString(e);
    if (!seen.has(msg)) {
      seen.add(msg);
      messages.push(msg);
    }
  }
  return messages.length === 1 ? messages[0]! : `[${messages.join(', ')}]`;
}
