// The operations of a running gateway, read from its own /openapi.json, with a
// plausible request for each: tests that must reach every route (the hostile
// fuzz, the stall test) enumerate them from here, so a new route is covered the
// day it is published. A plausible value is the schema's example, else its
// first enum value, else a short value its pattern and bounds accept.

/** A JSON Schema as the document writes it (OpenAPI 3.0 flavour); read loosely. */
export interface Schema {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  required?: string[];
  enum?: unknown[];
  example?: unknown;
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  minimum?: number;
  maximum?: number;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  nullable?: boolean;
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  schema: Schema;
}

export interface Operation {
  id: string;
  method: string;
  /** The path template, e.g. /api/v1/products/{sku}. */
  path: string;
  params: Parameter[];
  /** The JSON body's schema with every $ref resolved, when the operation takes one. */
  body?: Schema;
  /** Whether anyone may call it without a token (security lists an empty requirement). */
  public: boolean;
  /** Whether it refuses some signed-in callers (it documents a 403: admin or carrier only). */
  restricted: boolean;
  /** Whether it takes an Idempotency-Key. */
  takesKey: boolean;
}

/** The parts of an OpenAPI document the tests read. */
export interface OpenApiDocument {
  paths: Record<
    string,
    Record<
      string,
      {
        operationId: string;
        parameters?: Parameter[];
        requestBody?: { content?: Record<string, { schema?: Schema }> };
        security?: object[];
        responses?: object;
      }
    >
  >;
  components?: { schemas?: Record<string, Schema> };
}

/** The schema with every $ref replaced by what it points to (the document has no recursive schemas). */
function resolved(doc: OpenApiDocument, schema: Schema, depth = 0): Schema {
  if (depth > 20) throw new Error('schema nested deeper than 20: recursive?');
  if (schema.$ref) {
    const name = schema.$ref.replace('#/components/schemas/', '');
    const target = doc.components?.schemas?.[name];
    if (!target) throw new Error(`unresolved ${schema.$ref}`);
    return resolved(doc, target, depth + 1);
  }
  const out: Schema = { ...schema };
  if (schema.properties)
    out.properties = Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, resolved(doc, v, depth + 1)]));
  if (schema.items) out.items = resolved(doc, schema.items, depth + 1);
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) if (schema[key]) out[key] = schema[key].map((s) => resolved(doc, s, depth + 1));
  return out;
}

export async function operationsOf(gatewayUrl: string): Promise<Operation[]> {
  return operationsIn((await (await fetch(`${gatewayUrl}/openapi.json`)).json()) as OpenApiDocument);
}

/** The operations of a document already at hand (the docs check builds the gateway's without serving it). */
export function operationsIn(doc: OpenApiDocument): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => {
      const schema = op.requestBody?.content?.['application/json']?.schema;
      return {
        id: op.operationId,
        method: method.toUpperCase(),
        path,
        params: (op.parameters ?? []).map((p) => ({ ...p, schema: resolved(doc, p.schema) })),
        ...(schema ? { body: resolved(doc, schema) } : {}),
        public: (op.security ?? []).some((requirement) => Object.keys(requirement).length === 0),
        restricted: Object.keys(op.responses ?? {}).includes('403'),
        takesKey: (op.parameters ?? []).some((p) => p.in === 'header' && p.name === 'idempotency-key'),
      };
    }),
  );
}

const CANDIDATES = ['a', 'Aa', 'AB', 'ABC', 'A1-B2', 'tok_visa', 'ada@example.com', 'abcdefgh'];

/** A short value the schema accepts (as far as a sketch of it can tell). */
export function plausible(schema: Schema): unknown {
  if (schema.example !== undefined) return schema.example;
  if (schema.enum?.length) return schema.enum[0];
  const variant = schema.anyOf ?? schema.oneOf ?? schema.allOf;
  if (variant?.length) return plausible(variant[0]!);
  switch (schema.type) {
    case 'object':
      return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, v]) => [k, plausible(v)]));
    case 'array':
      return Array.from({ length: Math.max(1, schema.minItems ?? 1) }, () => plausible(schema.items ?? {}));
    case 'integer':
    case 'number':
      return Math.max(1, schema.minimum ?? 1);
    case 'boolean':
      return true;
    case 'string': {
      if (schema.format === 'date-time') return new Date(0).toISOString();
      const pattern = schema.pattern ? new RegExp(schema.pattern) : undefined;
      const fits = (s: string) =>
        s.length >= (schema.minLength ?? 0) && s.length <= (schema.maxLength ?? Infinity) && (!pattern || pattern.test(s));
      return CANDIDATES.find(fits) ?? 'a'.repeat(Math.max(1, schema.minLength ?? 1));
    }
    default:
      return 'a';
  }
}

export type JsonPath = Array<string | number>;

export interface Leaf {
  path: JsonPath;
  schema: Schema;
}

/** The string, number and array members of a plausible body, with their schemas (arrays' first items only). */
export function leavesOf(schema: Schema, path: JsonPath = []): Leaf[] {
  if (schema.type === 'object') return Object.entries(schema.properties ?? {}).flatMap(([k, v]) => leavesOf(v, [...path, k]));
  if (schema.type === 'array') return [{ path, schema }, ...leavesOf(schema.items ?? {}, [...path, 0])];
  return [{ path, schema }];
}

/** A copy of `value` with the member at `path` replaced. */
export function withAt(value: unknown, path: JsonPath, replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path;
  if (Array.isArray(value)) {
    const items: unknown[] = [...(value as unknown[])];
    items[Number(head)] = withAt(items[Number(head)], rest, replacement);
    return items;
  }
  const copy: Record<string, unknown> = { ...(value as object) };
  copy[String(head)] = withAt(copy[String(head)], rest, replacement);
  return copy;
}

/** The request path with each path parameter filled: `values` first, else a plausible value. */
export function pathOf(op: Operation, values: Record<string, string> = {}): string {
  return op.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const param = op.params.find((p) => p.in === 'path' && p.name === name);
    return values[name] ?? encodeURIComponent(String(plausible(param?.schema ?? {})));
  });
}
