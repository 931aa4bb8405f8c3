import { notSupported } from '../errors/field.js';
import { goStringSlice } from '../errors/go-format.js';
import { invalidObject } from '../errors/status.js';

/** The options kind whose validation refuses a bad dryRun, per verb (CreateOptions, PatchOptions ...). */
export type OptionsKind = 'CreateOptions' | 'UpdateOptions' | 'PatchOptions' | 'DeleteOptions';

/**
 * metav1 validation of `dryRun`: every value must be `All`; anything else, in any case or next
 * to an `All`, is upstream's 422 on the options kind, and nothing is written.
 */
export function dryRunOf(values: readonly string[], kind: OptionsKind): boolean {
  if (values.some((v) => v !== 'All')) {
    throw invalidObject('meta.k8s.io', kind, '', [notSupported('dryRun', goStringSlice(values), ['All'])]);
  }
  return values.length > 0;
}
