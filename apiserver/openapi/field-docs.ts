import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * Kubernetes' own field documentation, read at run time from the `kubernetes-models` npm package
 * (pinned to 4.5.1, which carries the v1.33.0 OpenAPI descriptions and enums in its type
 * declarations), so this repository holds none of that prose.
 */

/** What the package says about one field. */
interface FieldDoc {
  description?: string;
  /** String literals the field (or, for a list, each item) may take, when the type is an enum. */
  enum?: string[];
}

interface TypeDoc {
  description?: string;
  fields: ReadonlyMap<string, FieldDoc>;
}

/** Where each documented type's declaration file lives, by package and path. */
const SOURCES: Record<string, [pkg: 'models' | 'apimachinery', path: string]> = {
  Service: ['models', 'v1/Service'],
  ServiceSpec: ['models', 'v1/ServiceSpec'],
  ServicePort: ['models', 'v1/ServicePort'],
  ServiceStatus: ['models', 'v1/ServiceStatus'],
  LoadBalancerStatus: ['models', 'v1/LoadBalancerStatus'],
  LoadBalancerIngress: ['models', 'v1/LoadBalancerIngress'],
  PortStatus: ['models', 'v1/PortStatus'],
  SessionAffinityConfig: ['models', 'v1/SessionAffinityConfig'],
  ClientIPConfig: ['models', 'v1/ClientIPConfig'],
  Namespace: ['models', 'v1/Namespace'],
  NamespaceSpec: ['models', 'v1/NamespaceSpec'],
  NamespaceStatus: ['models', 'v1/NamespaceStatus'],
  NamespaceCondition: ['models', 'v1/NamespaceCondition'],
  Endpoints: ['models', 'v1/Endpoints'],
  EndpointSubset: ['models', 'v1/EndpointSubset'],
  EndpointAddress: ['models', 'v1/EndpointAddress'],
  'core.EndpointPort': ['models', 'v1/EndpointPort'],
  ObjectReference: ['models', 'v1/ObjectReference'],
  EndpointSlice: ['models', 'discovery.k8s.io/v1/EndpointSlice'],
  Endpoint: ['models', 'discovery.k8s.io/v1/Endpoint'],
  EndpointConditions: ['models', 'discovery.k8s.io/v1/EndpointConditions'],
  EndpointHints: ['models', 'discovery.k8s.io/v1/EndpointHints'],
  ForZone: ['models', 'discovery.k8s.io/v1/ForZone'],
  ForNode: ['models', 'discovery.k8s.io/v1/ForNode'],
  'discovery.EndpointPort': ['models', 'discovery.k8s.io/v1/EndpointPort'],
  IPAddress: ['models', 'networking.k8s.io/v1/IPAddress'],
  IPAddressSpec: ['models', 'networking.k8s.io/v1/IPAddressSpec'],
  ParentReference: ['models', 'networking.k8s.io/v1/ParentReference'],
  ServiceCIDR: ['models', 'networking.k8s.io/v1/ServiceCIDR'],
  ServiceCIDRSpec: ['models', 'networking.k8s.io/v1/ServiceCIDRSpec'],
  ServiceCIDRStatus: ['models', 'networking.k8s.io/v1/ServiceCIDRStatus'],
  Event: ['models', 'v1/Event'],
  EventSource: ['models', 'v1/EventSource'],
  'core.EventSeries': ['models', 'v1/EventSeries'],
  'events.Event': ['models', 'events.k8s.io/v1/Event'],
  'events.EventSeries': ['models', 'events.k8s.io/v1/EventSeries'],
  MicroTime: ['apimachinery', 'apis/meta/v1/MicroTime'],
  ObjectMeta: ['apimachinery', 'apis/meta/v1/ObjectMeta'],
  OwnerReference: ['apimachinery', 'apis/meta/v1/OwnerReference'],
  ManagedFieldsEntry: ['apimachinery', 'apis/meta/v1/ManagedFieldsEntry'],
  Condition: ['apimachinery', 'apis/meta/v1/Condition'],
  Time: ['apimachinery', 'apis/meta/v1/Time'],
  FieldsV1: ['apimachinery', 'apis/meta/v1/FieldsV1'],
  Patch: ['apimachinery', 'apis/meta/v1/Patch'],
  IntOrString: ['apimachinery', 'util/intstr/IntOrString'],
  // Every kind shares TypeMeta's apiVersion/kind text; DeleteOptions spells it out in full.
  TypeMeta: ['apimachinery', 'apis/meta/v1/DeleteOptions'],
};

/** Field docs for every type this server documents. */
export class FieldDocs {
  constructor(private readonly types: ReadonlyMap<string, TypeDoc>) {}

  type(name: string): TypeDoc | undefined {
    return this.types.get(name);
  }

  field(type: string, field: string): FieldDoc | undefined {
    return this.types.get(type)?.fields.get(field);
  }

  /** The description of a field, or "" (the shape table column descriptions want). */
  describe = (type: string, field: string): string => this.field(type, field)?.description ?? '';
}

let cached: FieldDocs | undefined;

/** Reads the docs once per process. Throws if the package is missing (it is a runtime dependency). */
export function loadFieldDocs(): FieldDocs {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const roots = {
    models: dirname(require.resolve('kubernetes-models')),
    apimachinery: dirname(require.resolve('@kubernetes-models/apimachinery')),
  };
  const types = new Map<string, TypeDoc>();
  for (const [name, [pkg, path]] of Object.entries(SOURCES)) {
    types.set(name, parseDeclarations(readFileSync(join(roots[pkg], `${path}.d.ts`), 'utf8')));
  }
  cached = new FieldDocs(types);
  return cached;
}

/**
 * Reads the first exported interface (or type alias) of a declaration file: its JSDoc, and each
 * member's JSDoc and, for string-literal unions, the literal values.
 */
export function parseDeclarations(source: string): TypeDoc {
  const head = /(\/\*\*(?:(?!\*\/)[\s\S])*\*\/)\s*export (?:interface|declare type) \w+/.exec(source);
  const description = head ? docText(head[1]!) : undefined;
  const fields = new Map<string, FieldDoc>();
  const body = /export interface \w+(?: extends [\w, ]+)? \{([\s\S]*?)\n\}/.exec(source);
  if (body) {
    const member = /(?:(\/\*\*(?:(?!\*\/)[\s\S])*\*\/)\s*)?"([^"]+)"\??: ([^;]+);/g;
    for (let m = member.exec(body[1]!); m; m = member.exec(body[1]!)) {
      const doc: FieldDoc = {};
      if (m[1]) doc.description = docText(m[1]);
      const literals = enumLiterals(m[3]!.trim());
      if (literals) doc.enum = literals;
      fields.set(m[2]!, doc);
    }
  }
  return description === undefined ? { fields } : { description, fields };
}

/**
 * The text of a JSDoc comment: ` * ` prefixes removed, blank lines kept, trailing tags (such as
 * the `@deprecated` the generator adds) dropped, and its `\*` escapes undone.
 */
function docText(comment: string): string {
  const lines = comment
    .replace(/^\/\*\*/, '')
    .replace(/\*\/$/, '')
    .split('\n')
    .map((l) => l.replace(/^\s*\* ?/, ''));
  while (lines.length && lines[0]!.trim() === '') lines.shift();
  while (lines.length && (lines[lines.length - 1]!.trim() === '' || lines[lines.length - 1]!.startsWith('@'))) lines.pop();
  return lines.join('\n').replace(/\\\*/g, '*');
}

/** `"A" | "B"` or `Array<"A" | "B">` -> ["A", "B"]; anything else -> undefined. */
function enumLiterals(type: string): string[] | undefined {
  const inner = /^Array<(.*)>$/.exec(type)?.[1] ?? type;
  const parts = inner.split('|').map((p) => p.trim());
  if (!parts.every((p) => /^"[^"]*"$/.test(p))) return undefined;
  return parts.map((p) => p.slice(1, -1));
}
