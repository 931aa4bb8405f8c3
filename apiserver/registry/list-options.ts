import { badRequest, invalidObject } from '../errors/status.js';
import { forbidden, notSupported, type FieldError } from '../errors/field.js';
import { goQuote } from '../errors/go-format.js';

/** The paging and consistency parameters of a list request (metav1.ListOptions). */
export interface ListParams {
  /** 0: everything. */
  limit: number;
  continue: string;
  resourceVersion: string;
  resourceVersionMatch: string;
}

/**
 * The list parameters from a query, checked as upstream's ValidateListOptions checks them: a 422
 * on `ListOptions.meta.k8s.io` for combinations that make no sense.
 */
export function listParams(query: URLSearchParams): ListParams {
  const rawLimit = query.get('limit') ?? '';
  let limit = 0;
  if (rawLimit !== '') {
    if (!/^[+-]?\d+$/.test(rawLimit)) throw badRequest(`strconv.ParseInt: parsing ${JSON.stringify(rawLimit)}: invalid syntax`);
    // A limit of 0 or less is no limit, as upstream's `Limit > 0` test treats it.
    limit = Math.max(0, Number(rawLimit));
  }
  const params: ListParams = {
    limit,
    continue: query.get('continue') ?? '',
    resourceVersion: query.get('resourceVersion') ?? '',
    resourceVersionMatch: query.get('resourceVersionMatch') ?? '',
  };
  const errors: FieldError[] = [];
  const match = params.resourceVersionMatch;
  if (match) {
    if (!params.resourceVersion) errors.push(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden unless resourceVersion is provided'));
    if (params.continue) errors.push(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided'));
    if (match !== 'Exact' && match !== 'NotOlderThan') errors.push(notSupported('resourceVersionMatch', goQuote(match), ['Exact', 'NotOlderThan', '']));
    if (match === 'Exact' && params.resourceVersion === '0') errors.push(forbidden('resourceVersionMatch', 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"'));
  }
  if (query.has('sendInitialEvents')) errors.push(forbidden('sendInitialEvents', 'sendInitialEvents is forbidden for list'));
  if (errors.length) throw invalidObject('meta.k8s.io', 'ListOptions', '', errors);
  return params;
}

/**
 * Where a list is served, as upstream's cacher decides (shouldDelegateList, v1.33 with etcd 3.4,
 * whose progress notifications are too old for consistent reads from the cache): from etcd for
 * a consistent read (no resourceVersion), an exact one (`Exact`, or legacy: a resourceVersion
 * with a limit) and a continue; from the watch cache otherwise (`0`, `NotOlderThan`, legacy
 * resourceVersion without limit), which ignores `limit`.
 */
export function listFromCache(p: ListParams): boolean {
  if (p.resourceVersionMatch === 'Exact') return false;
  if (p.resourceVersionMatch === 'NotOlderThan') return true;
  if (p.limit > 0 && p.resourceVersion !== '' && p.resourceVersion !== '0') return false;
  if (p.continue) return false;
  return p.resourceVersion !== '';
}

/**
 * A resourceVersion as upstream's APIObjectVersioner parses it ("" and "0" are 0); a bad one is
 * the etcd store's 400 "invalid resource version". Upstream's cacher lets the same error escape
 * as a 500; a bad query is the client's error, so it is a 400 here.
 */
export function parseResourceVersion(rv: string): number {
  if (rv === '' || rv === '0') return 0;
  const problem = !/^\d+$/.test(rv) ? 'invalid syntax' : Number(rv) > Number.MAX_SAFE_INTEGER ? 'value out of range' : '';
  if (problem) {
    throw badRequest(`invalid resource version: resourceVersion: Invalid value: ${JSON.stringify(rv)}: strconv.ParseUint: parsing ${JSON.stringify(rv)}: ${problem}`);
  }
  return Number(rv);
}
