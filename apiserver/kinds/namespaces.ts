import type { Namespace } from '../../shared/api/core.js';
import { NAMESPACE_INFO, NamespaceStatusStrategy, NamespaceStrategy } from '../namespaces/strategy.js';
import { namespaceFields } from '../selectors/field-selector.js';
import { namespacePrinter } from '../tables/printers.js';
import { defineKind, STATUS_SUBRESOURCE } from './kind.js';

export const namespaces = defineKind<Namespace>({
  info: NAMESPACE_INFO,
  schema: 'Namespace',
  // Namespaces have no deletecollection.
  discovery: { singular: 'namespace', verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['ns'], storageVersionHash: 'Q3oi5N2YM8M=', subresources: [STATUS_SUBRESOURCE] },
  fields: namespaceFields,
  printer: namespacePrinter,
  returnDeletedObject: true,
  strategies: () => ({ strategy: new NamespaceStrategy(), status: new NamespaceStatusStrategy() }),
});
