import { readFileSync } from 'node:fs';
import type { Service } from '../../shared/api/core.js';
import type { EndpointSlice } from '../../shared/api/discovery.js';
import { endpointSliceShapeError, serviceShapeError } from '../model/shape.js';

/** Reads a file, or stdin for `-`. */
export function readInput(path: string): string {
  return readFileSync(path === '-' ? 0 : path, 'utf8');
}

/**
 * The objects of a JSON `v1` List or a JSON array. Items of another kind, or of the wrong
 * shape, are skipped with a warning.
 */
function parseItems<T>(text: string, source: string, kind: string, shapeError: (o: unknown) => string | undefined, warn: (line: string) => void): T[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new Error(`${source}: not JSON: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  const items = Array.isArray(parsed) ? parsed : (parsed as { items?: unknown } | null)?.items;
  if (!Array.isArray(items)) throw new Error(`${source}: expected a JSON array or a List with items`);
  const out: T[] = [];
  items.forEach((item, i) => {
    const itemKind = (item as { kind?: unknown } | null)?.kind;
    const error = itemKind !== undefined && itemKind !== kind ? `kind is ${JSON.stringify(itemKind)}, not ${kind}` : shapeError(item);
    if (error) warn(`warning: ${source}: skipping item ${i}: ${error}`);
    else out.push(item as T);
  });
  return out;
}

export function parseServices(text: string, source: string, warn: (line: string) => void): Service[] {
  return parseItems<Service>(text, source, 'Service', serviceShapeError, warn);
}

export function parseEndpointSlices(text: string, source: string, warn: (line: string) => void): EndpointSlice[] {
  return parseItems<EndpointSlice>(text, source, 'EndpointSlice', endpointSliceShapeError, warn);
}
