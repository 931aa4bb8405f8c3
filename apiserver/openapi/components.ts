import type { FieldDocs } from './field-docs.js';
import { COMPONENTS, type ComponentDef, type Prop } from './schemas.js';

export type Schema = Record<string, unknown>;

/**
 * The two syntaxes the schemas are published in. They differ only in how a property refers to
 * another type and in defaults:
 * - v3 wraps a reference in `allOf` so that it may carry a description and, for a non-pointer
 *   struct, `default: {}`; IntOrString is `oneOf` integer or string.
 * - v2 (Swagger 2.0) puts the description next to `$ref`, and the server prunes every default
 *   from it; IntOrString is a string with format int-or-string.
 */
type Dialect = 'v2' | 'v3';

const REF_PREFIX: Record<Dialect, string> = { v2: '#/definitions/', v3: '#/components/schemas/' };

/** Where a schema named `name` is referred to from, in this dialect. */
export const refTo = (dialect: Dialect, name: string): string => REF_PREFIX[dialect] + name;

/** The component schemas (v3) or definitions (v2) reachable from the given roots, sorted by name. */
export function buildSchemas(roots: string[], docs: FieldDocs, dialect: Dialect): Record<string, Schema> {
  const walk = new Walk(docs, dialect);
  roots.forEach((name) => walk.visit(name));
  return Object.fromEntries(Object.keys(walk.out).sort().map((k) => [k, walk.out[k]!]));
}

/** One walk over the shapes in schemas.ts, from some roots through every type they refer to. */
class Walk {
  readonly out: Record<string, Schema> = {};

  constructor(
    private readonly docs: FieldDocs,
    private readonly dialect: Dialect,
  ) {}

  visit(name: string): void {
    if (this.out[name]) return;
    const def = COMPONENTS[name];
    if (!def) throw new Error(`no schema for ${name}`);
    this.out[name] = {};
    this.out[name] = this.component(def);
  }

  private component(def: ComponentDef): Schema {
    const s: Schema = {};
    const description = this.docs.type(def.doc)?.description;
    if (description) s.description = description;
    if (def.leaf) {
      const { type, format, oneOf } = def.leaf;
      // v3 states the alternatives instead of the type; Swagger 2.0 has no oneOf.
      const v3OneOf = this.dialect === 'v3' && oneOf ? { oneOf: oneOf.map((t) => ({ type: t })) } : undefined;
      return { ...s, ...(format ? { format } : {}), ...(v3OneOf ?? (type ? { type } : {})) };
    }
    const properties: Record<string, Schema> = {};
    for (const [name, prop] of Object.entries(def.props ?? {})) {
      // The package types apiVersion/kind as literals without text; TypeMeta's text is what upstream shows.
      const fieldDoc = name === 'apiVersion' || name === 'kind' ? this.docs.field('TypeMeta', name) : this.docs.field(def.doc, name);
      properties[name] = this.prop(prop, fieldDoc?.description, fieldDoc?.enum);
    }
    s.properties = properties;
    if (def.required) s.required = def.required;
    s.type = 'object';
    if (def.gvk) s['x-kubernetes-group-version-kind'] = [def.gvk];
    if (def.atomic) s['x-kubernetes-map-type'] = 'atomic';
    return s;
  }

  private prop(prop: Prop, description: string | undefined, enumValues: string[] | undefined): Schema {
    const withDoc = (s: Schema): Schema => (description ? { ...s, description } : s);
    const v3 = this.dialect === 'v3';
    switch (prop.t) {
      case 'string':
        return withDoc({ ...(enumValues ? { enum: enumValues } : {}), type: 'string' });
      case 'boolean':
        return withDoc({ type: 'boolean' });
      case 'int32':
      case 'int64':
        return withDoc({ format: prop.t, type: 'integer' });
      case 'ref':
        this.visit(prop.ref);
        if (!v3) return withDoc({ $ref: refTo('v2', prop.ref) });
        return withDoc({ allOf: [{ $ref: refTo('v3', prop.ref) }], ...(prop.struct ? { default: {} } : {}) });
      case 'map': {
        const values = v3 ? { default: '', type: 'string' } : { type: 'string' };
        return withDoc({ additionalProperties: values, type: 'object', ...(prop.atomic ? { 'x-kubernetes-map-type': 'atomic' } : {}) });
      }
      case 'array': {
        const items = this.items(prop.items, enumValues);
        const s: Schema = withDoc({ items, type: 'array' });
        if (prop.mapKeys) s['x-kubernetes-list-map-keys'] = prop.mapKeys;
        if (prop.list) s['x-kubernetes-list-type'] = prop.list;
        if (prop.mergeKey) s['x-kubernetes-patch-merge-key'] = prop.mergeKey;
        if (prop.strategy) s['x-kubernetes-patch-strategy'] = prop.strategy;
        return s;
      }
    }
  }

  private items(items: Prop, enumValues: string[] | undefined): Schema {
    const v3 = this.dialect === 'v3';
    if (items.t === 'ref') {
      this.visit(items.ref);
      return v3 ? { allOf: [{ $ref: refTo('v3', items.ref) }], default: {} } : { $ref: refTo('v2', items.ref) };
    }
    if (items.t === 'string') return { ...(v3 ? { default: '' } : {}), ...(enumValues ? { enum: enumValues } : {}), type: 'string' };
    return this.prop(items, undefined, undefined);
  }
}
