import type { ListMeta, ObjectMeta } from '../../shared/api/meta.js';
import { columnDefinitions, rowCells, type FieldDocs, type Printer, type TableColumnDefinition } from './printers.js';

/** A request for a Table the server cannot honour; answered as 400 BadRequest with this message. */
export class TableOptionsError extends Error {
  override name = 'TableOptionsError';
}

/** What each row's `object` carries (`?includeObject=`); upstream defaults to Metadata. */
type IncludeObject = 'None' | 'Metadata' | 'Object';

interface TableOptions {
  /** The meta.k8s.io version the client asked for (`v=` in the Accept header). */
  version?: 'v1' | 'v1beta1';
  /** The raw `includeObject` query value; empty or missing means Metadata. */
  includeObject?: string;
  /** Leave out columnDefinitions (`?noHeaders=true`, used by watches after the first event). */
  noHeaders?: boolean;
  /** The list's metadata, copied to the table (resourceVersion, continue, remainingItemCount). */
  listMeta?: ListMeta;
  /** Field documentation for column descriptions. */
  docs?: FieldDocs;
}

interface TableRow {
  cells: unknown[];
  object: Record<string, unknown> | null;
}

interface Table {
  kind: 'Table';
  apiVersion: string;
  metadata: ListMeta;
  columnDefinitions: TableColumnDefinition[] | null;
  rows: TableRow[];
}

interface Item {
  kind?: string;
  apiVersion?: string;
  metadata?: ObjectMeta;
}

/**
 * Renders objects as the apiserver's Table for `kubectl get` (Accept `...;as=Table;g=meta.k8s.io`),
 * with the columns and cell formats of upstream's printers. `objects` is a list's items, or one
 * object for a single GET (whose resourceVersion then becomes the table's). `now` is epoch ms.
 */
export function renderTable(printer: Printer<never>, objects: unknown[] | unknown, now: number, options: TableOptions = {}): Table {
  const include = parseIncludeObject(options.includeObject);
  const version = options.version ?? 'v1';
  const list = Array.isArray(objects) ? (objects as Item[]) : [objects as Item];
  const metadata: ListMeta = {};
  const source = options.listMeta ?? (Array.isArray(objects) ? {} : { resourceVersion: (objects as Item).metadata?.resourceVersion });
  if (source.resourceVersion) metadata.resourceVersion = source.resourceVersion;
  if (source.continue) metadata.continue = source.continue;
  if (source.remainingItemCount !== undefined) metadata.remainingItemCount = source.remainingItemCount;
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${version}`,
    metadata,
    columnDefinitions: options.noHeaders ? null : columnDefinitions(printer, options.docs),
    rows: list.map((obj) => ({ cells: rowCells(printer, obj, now), object: rowObject(obj, include, version) })),
  };
}

function parseIncludeObject(value: string | undefined): IncludeObject {
  switch (value ?? '') {
    case '':
    case 'Metadata':
      return 'Metadata';
    case 'None':
      return 'None';
    case 'Object':
      return 'Object';
    default:
      throw new TableOptionsError(`unrecognized includeObject value: ${JSON.stringify(value)}`);
  }
}

function rowObject(obj: Item, include: IncludeObject, version: string): Record<string, unknown> | null {
  switch (include) {
    case 'None':
      return null;
    case 'Object':
      return obj as Record<string, unknown>;
    case 'Metadata':
      // kubectl adds NAMESPACE (-A), LABELS (--show-labels) and -L columns from this metadata.
      return { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${version}`, metadata: obj.metadata ?? {} };
  }
}
