// Turns io-ts validation errors into lines a person can act on:
// `spec.ports[2].port: expected a port 1-65535, got 70000`. Every problem is
// reported, not just the first; io-ts's own PathReporter text never reaches users.
import * as t from 'io-ts';

const isIndex = (k: string): boolean => /^\d+$/.test(k);

const pathOf = (context: t.Context): string => {
  let out = '';
  for (const entry of context) {
    if (entry.key === '') continue;
    // Union/intersection members add numeric keys that are not real array indices.
    const parentType = entry.type as t.Any & { _tag?: string };
    void parentType;
    out += isIndex(entry.key) ? `[${entry.key}]` : out === '' ? entry.key : `.${entry.key}`;
  }
  return out;
};

const describe = (u: unknown): string => {
  if (u === undefined) return 'nothing';
  const s = JSON.stringify(u);
  return s === undefined ? String(u) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
};

/** One line per problem, deduplicated and sorted by path so output is stable. */
export const renderDecodeErrors = (errors: t.Errors): string[] => {
  const lines = new Set<string>();
  for (const e of errors) {
    // Skip the synthetic keys io-ts adds for union members ("0", "1" under a union type).
    const ctx = e.context.filter((entry, i) => {
      const parent = e.context[i - 1];
      const tag = (parent?.type as { _tag?: string } | undefined)?._tag;
      return !(tag === 'UnionType' || tag === 'IntersectionType');
    });
    const path = pathOf(ctx) || '(document)';
    const last = ctx[ctx.length - 1];
    const msg = e.message ?? `expected ${last?.type.name ?? 'a value'}, got ${describe(e.value)}`;
    lines.add(`${path}: ${msg}`);
  }
  return [...lines].sort();
};

/** A failure carrying a message that already reads well (used by custom codecs). */
export const fail = (u: unknown, c: t.Context, message: string): t.Validation<never> => t.failure(u, c, message);
