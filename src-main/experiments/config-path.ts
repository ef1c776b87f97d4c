/**
 * Dotted paths into a run config (`training.optimizer.learningRate`, `modelConfig.widthMultiplier`),
 * used by sweeps and stand-in overrides. Writing returns a deep copy; the input is never changed.
 */

const FORBIDDEN = new Set(['__proto__', 'prototype', 'constructor']);

export function splitPath(path: string): string[] {
  const parts = path.split('.');
  if (parts.length === 0 || parts.some((p) => p === '' || FORBIDDEN.has(p))) {
    throw new Error(`'${path}' is not a config field path (expected dotted names such as training.optimizer.learningRate)`);
  }
  return parts;
}

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A copy of `config` with `path` set to `value`; missing objects on the way are created. */
export function setPath(config: unknown, path: string, value: unknown): Obj {
  const parts = splitPath(path);
  const root: Obj = isObject(config) ? structuredClone(config) : {};
  let node = root;
  for (const key of parts.slice(0, -1)) {
    const next = node[key];
    if (next !== undefined && !isObject(next)) throw new Error(`cannot set '${path}': '${key}' is not an object in the base config`);
    node[key] = next ?? {};
    node = node[key] as Obj;
  }
  node[parts[parts.length - 1] as string] = structuredClone(value);
  return root;
}

export function getPath(config: unknown, path: string): unknown {
  let node: unknown = config;
  for (const key of splitPath(path)) {
    if (!isObject(node)) return undefined;
    node = node[key];
  }
  return node;
}

/** Deep merge of plain objects (arrays and scalars from `over` replace); returns a new object. */
export function deepMerge(base: unknown, over: unknown): unknown {
  if (!isObject(base) || !isObject(over)) return structuredClone(over === undefined ? base : over);
  const out: Obj = structuredClone(base);
  for (const [k, v] of Object.entries(over)) {
    if (FORBIDDEN.has(k)) continue;
    out[k] = deepMerge(out[k], v);
  }
  return out;
}
