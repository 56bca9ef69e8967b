// The selector AST (Project Calico's v3 label-selector language) and its
// normal form. The normal form is what the parser returns and what the
// renderer prints: `&&`/`||` chains flattened, `in` sets sorted (by UTF-16
// code units, never locale) and deduplicated. Syntax lives in parse.ts,
// printing in render.ts, meaning in evaluate.ts.

export type Selector =
  | { readonly kind: 'all' }
  | { readonly kind: 'global' }
  | { readonly kind: 'has'; readonly key: string }
  | { readonly kind: 'eq'; readonly key: string; readonly value: string }
  | { readonly kind: 'neq'; readonly key: string; readonly value: string }
  | { readonly kind: 'in'; readonly key: string; readonly values: readonly string[] }
  | { readonly kind: 'notIn'; readonly key: string; readonly values: readonly string[] }
  | { readonly kind: 'contains'; readonly key: string; readonly value: string }
  | { readonly kind: 'startsWith'; readonly key: string; readonly value: string }
  | { readonly kind: 'endsWith'; readonly key: string; readonly value: string }
  | { readonly kind: 'not'; readonly operand: Selector }
  | { readonly kind: 'and'; readonly operands: readonly Selector[] }
  | { readonly kind: 'or'; readonly operands: readonly Selector[] };

export type SelectorKind = Selector['kind'];
/** The comparisons `key <op> "value"`, which share one shape. */
export type StringTestKind = 'eq' | 'neq' | 'contains' | 'startsWith' | 'endsWith';

export const all: Selector = { kind: 'all' };
export const global: Selector = { kind: 'global' };
export const has = (key: string): Selector => ({ kind: 'has', key });
export const stringTest = (kind: StringTestKind, key: string, value: string): Selector => ({ kind, key, value });
export const inSet = (key: string, values: readonly string[]): Selector => ({ kind: 'in', key, values: sortedUnique(values) });
export const notInSet = (key: string, values: readonly string[]): Selector => ({
  kind: 'notIn',
  key,
  values: sortedUnique(values),
});
export const not = (operand: Selector): Selector => ({ kind: 'not', operand });
/** Conjunction in normal form: nested `and`s spliced, no operands → all(), one → itself. */
export const and = (operands: readonly Selector[]): Selector => junction('and', operands);
/** Disjunction in normal form: nested `or`s spliced, no operands → !all(), one → itself. */
export const or = (operands: readonly Selector[]): Selector => junction('or', operands);

/** Code-unit order: the same on every machine, unlike localeCompare. */
export const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export const sortedUnique = (values: readonly string[]): readonly string[] => {
  const sorted = [...values].sort(compareStrings);
  return sorted.filter((v, i) => i === 0 || v !== sorted[i - 1]);
};

const junction = (kind: 'and' | 'or', operands: readonly Selector[]): Selector => {
  const flat: Selector[] = [];
  for (const op of operands) {
    if (op.kind === kind) flat.push(...op.operands);
    else flat.push(op);
  }
  if (flat.length === 1) return flat[0]!;
  if (flat.length === 0) return kind === 'and' ? all : not(all);
  return { kind, operands: flat };
};

/** The normal form of any AST; parse(render(s)) is structurally equal to normalise(s). */
export const normaliseSelector = (sel: Selector): Selector => {
  switch (sel.kind) {
    case 'in':
      return inSet(sel.key, sel.values);
    case 'notIn':
      return notInSet(sel.key, sel.values);
    case 'not':
      return not(normaliseSelector(sel.operand));
    case 'and':
      return and(sel.operands.map(normaliseSelector));
    case 'or':
      return or(sel.operands.map(normaliseSelector));
    default:
      return sel;
  }
};

/** The label keys a selector reads, sorted and unique: what an incremental matcher must watch. */
export const selectorLabelKeys = (sel: Selector): string[] => {
  const keys = new Set<string>();
  const visit = (s: Selector): void => {
    switch (s.kind) {
      case 'all':
      case 'global':
        return;
      case 'not':
        return visit(s.operand);
      case 'and':
      case 'or':
        return s.operands.forEach(visit);
      default:
        keys.add(s.key);
    }
  };
  visit(sel);
  return [...keys].sort(compareStrings);
};
