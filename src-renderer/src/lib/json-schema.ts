/**
 * The small part of JSON Schema the Train form understands (what zod's toJSONSchema emits for the
 * run config): objects, enums, numbers, integers, booleans, strings, arrays of scalars, optional
 * (anyOf with null) and discriminated unions (oneOf of objects with a const tag).
 */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  items?: JsonSchema;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  default?: unknown;
  description?: string;
  title?: string;
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  definitions?: Record<string, JsonSchema>;
}

export type FieldKind =
  | { kind: 'object'; schema: JsonSchema }
  | { kind: 'enum'; options: (string | number | boolean)[] }
  | { kind: 'number'; integer: boolean; min?: number; max?: number }
  | { kind: 'boolean' }
  | { kind: 'string' }
  | { kind: 'list'; itemType: 'number' | 'string' }
  | { kind: 'union'; tag: string; branches: { value: string; schema: JsonSchema }[] }
  | { kind: 'json' };

export function resolveRef(schema: JsonSchema, root: JsonSchema): JsonSchema {
  let s = schema;
  for (let guard = 0; s.$ref && guard < 20; guard++) {
    const m = /^#\/(\$defs|definitions)\/(.+)$/.exec(s.$ref);
    const defs = m ? (m[1] === '$defs' ? root.$defs : root.definitions) : undefined;
    const next = m && defs ? defs[decodeURIComponent(m[2] as string)] : undefined;
    if (!next) break;
    s = { ...next, description: s.description ?? next.description, default: s.default ?? next.default };
  }
  return s;
}

/** Strips `null` branches: optional/nullable fields are edited as their non-null type. */
export function unwrapNullable(schema: JsonSchema, root: JsonSchema): { schema: JsonSchema; nullable: boolean } {
  const s = resolveRef(schema, root);
  const branches = s.anyOf ?? (s.oneOf && s.oneOf.every((b) => !resolveRef(b, root).properties) ? s.oneOf : undefined);
  if (!branches) return { schema: s, nullable: false };
  const nonNull = branches.filter((b) => resolveRef(b, root).type !== 'null');
  if (nonNull.length === 1 && nonNull.length < branches.length) {
    const inner = resolveRef(nonNull[0] as JsonSchema, root);
    return { schema: { ...inner, description: s.description ?? inner.description, default: s.default ?? inner.default }, nullable: true };
  }
  return { schema: s, nullable: false };
}

function constOf(s: JsonSchema): unknown {
  if (s.const !== undefined) return s.const;
  if (s.enum?.length === 1) return s.enum[0];
  return undefined;
}

export function classify(raw: JsonSchema, root: JsonSchema): FieldKind {
  const schema = unwrapNullable(raw, root).schema;
  if (schema.enum) return { kind: 'enum', options: schema.enum.filter((v): v is string | number | boolean => v !== null) };
  const union = schema.oneOf ?? schema.anyOf;
  if (union) {
    const branches = union.map((b) => resolveRef(b, root));
    if (branches.every((b) => constOf(b) !== undefined)) {
      return { kind: 'enum', options: branches.map((b) => constOf(b) as string | number | boolean) };
    }
    if (branches.every((b) => b.properties)) {
      const first = branches[0]?.properties ?? {};
      const tag = Object.keys(first).find((k) =>
        branches.every((b) => {
          const p = b.properties?.[k];
          return p !== undefined && constOf(resolveRef(p, root)) !== undefined;
        }),
      );
      if (tag) {
        return {
          kind: 'union',
          tag,
          branches: branches.map((b) => ({ value: String(constOf(resolveRef(b.properties?.[tag] as JsonSchema, root))), schema: b })),
        };
      }
    }
    return { kind: 'json' };
  }
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'object':
      return schema.properties ? { kind: 'object', schema } : { kind: 'json' };
    case 'number':
    case 'integer':
      return {
        kind: 'number',
        integer: type === 'integer',
        min: schema.minimum ?? schema.exclusiveMinimum,
        max: schema.maximum ?? schema.exclusiveMaximum,
      };
    case 'boolean':
      return { kind: 'boolean' };
    case 'string':
      return { kind: 'string' };
    case 'array': {
      const item = schema.items ? unwrapNullable(schema.items, root).schema : undefined;
      const t = item?.type;
      if (t === 'number' || t === 'integer') return { kind: 'list', itemType: 'number' };
      if (t === 'string') return { kind: 'list', itemType: 'string' };
      return { kind: 'json' };
    }
    default:
      return { kind: 'json' };
  }
}

/** Human label from a camelCase key: `batchSize` -> `batch size`. */
export function labelOf(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]/g, ' ').toLowerCase();
}

const TAGS = ['type', 'kind'] as const;

/** True when two union members carry different tags (`optimizer.type`, `activation.kind`). */
function otherBranch(base: Record<string, unknown>, over: Record<string, unknown>): boolean {
  return TAGS.some((t) => t in over && over[t] !== base[t]);
}

/**
 * Deep merge for presets: objects merge, everything else (arrays included) replaces. An object of
 * another union branch replaces the old one whole, so no field of the old branch survives (Adam's
 * beta1 is not an option of Adadelta).
 */
export function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    const bothObjects = v && typeof v === 'object' && !Array.isArray(v) && b && typeof b === 'object' && !Array.isArray(b);
    out[k] =
      bothObjects && !otherBranch(b as Record<string, unknown>, v as Record<string, unknown>)
        ? deepMerge(b as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}
