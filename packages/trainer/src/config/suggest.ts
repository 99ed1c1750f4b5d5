/**
 * "Did you mean" for unknown config keys: the keys the schema allows at a path, and the closest
 * one to a typo.
 */

/** The slice of zod's internal definition that the walk below reads. */
interface SchemaNode {
  readonly _zod: {
    readonly def: {
      readonly type: string;
      readonly innerType?: SchemaNode;
      readonly shape?: Record<string, SchemaNode>;
      readonly options?: readonly SchemaNode[];
      readonly element?: SchemaNode;
      readonly values?: readonly unknown[];
      readonly entries?: Record<string, unknown>;
    };
  };
}

const WRAPPERS = new Set(['default', 'optional', 'prefault', 'nullable', 'readonly', 'catch']);

function unwrap(node: SchemaNode): SchemaNode[] {
  const def = node._zod.def;
  if (WRAPPERS.has(def.type) && def.innerType) return unwrap(def.innerType);
  if (def.type === 'union' && def.options) return def.options.flatMap(unwrap);
  return [node];
}

/** True when `data` does not contradict a literal or enum field of the object `node`. */
function matches(node: SchemaNode, data: unknown): boolean {
  const shape = node._zod.def.shape;
  if (!shape || data === null || typeof data !== 'object') return true;
  return Object.entries(shape).every(([k, field]) => {
    const def = field._zod.def;
    const value = (data as Record<string, unknown>)[k];
    if (value === undefined) return true;
    if (def.type === 'literal') return (def.values ?? []).includes(value);
    if (def.type === 'enum') return Object.values(def.entries ?? {}).includes(value);
    return true;
  });
}

/**
 * Keys accepted by the object at `path` of `schema`; where a union allows several objects, the
 * ones whose discriminator agrees with `data` (all of them when none does).
 */
export function knownKeysAt(
  schema: unknown,
  path: readonly PropertyKey[],
  data?: unknown,
): string[] {
  let nodes = unwrap(schema as SchemaNode);
  let value = data;
  const pick = (candidates: SchemaNode[]) => {
    const agreeing = candidates.filter((n) => matches(n, value));
    return agreeing.length ? agreeing : candidates;
  };
  nodes = pick(nodes);
  for (const key of path) {
    value =
      value !== null && typeof value === 'object'
        ? (value as Record<PropertyKey, unknown>)[key]
        : undefined;
    nodes = pick(
      nodes.flatMap((n) => {
        const def = n._zod.def;
        if (def.type === 'object' && def.shape && typeof key === 'string' && key in def.shape) {
          return unwrap(def.shape[key]!);
        }
        if (def.type === 'array' && def.element && typeof key === 'number') {
          return unwrap(def.element);
        }
        return [];
      }),
    );
  }
  const keys = new Set<string>();
  for (const n of nodes) for (const k of Object.keys(n._zod.def.shape ?? {})) keys.add(k);
  return [...keys];
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j]!;
      row[j] = Math.min(up + 1, row[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return row[b.length]!;
}

/** The candidate closest to `word` (case-insensitive edit distance at most max(2, length / 3)). */
export function closestKey(word: string, candidates: readonly string[]): string | undefined {
  const w = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    const d = editDistance(w, c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}
