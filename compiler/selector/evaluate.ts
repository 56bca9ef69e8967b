// Decides whether a label map matches a selector, with Calico's semantics for
// absent labels: `==`, `in`, `contains`, `starts with`, `ends with` and
// `has` are false, `!=` and `not in` are true. `global()` is true: it only
// distinguishes namespaced from cluster-wide scope, which callers that know
// the scope decide. Runs in the compiler's inner loop, so it allocates
// nothing: no closures, no iterators, no temporary arrays.
import { Selector } from './ast';

export const matches = (sel: Selector, labels: Readonly<Record<string, string>>): boolean => {
  switch (sel.kind) {
    case 'all':
    case 'global':
      return true;
    case 'has':
      return lookup(labels, sel.key) !== undefined;
    case 'eq':
      return lookup(labels, sel.key) === sel.value;
    case 'neq':
      return lookup(labels, sel.key) !== sel.value;
    case 'contains': {
      const v = lookup(labels, sel.key);
      return v !== undefined && v.includes(sel.value);
    }
    case 'startsWith': {
      const v = lookup(labels, sel.key);
      return v !== undefined && v.startsWith(sel.value);
    }
    case 'endsWith': {
      const v = lookup(labels, sel.key);
      return v !== undefined && v.endsWith(sel.value);
    }
    case 'in': {
      const v = lookup(labels, sel.key);
      return v !== undefined && member(sel.values, v);
    }
    case 'notIn': {
      const v = lookup(labels, sel.key);
      return v === undefined || !member(sel.values, v);
    }
    case 'not':
      return !matches(sel.operand, labels);
    case 'and':
      for (let i = 0; i < sel.operands.length; i++) if (!matches(sel.operands[i]!, labels)) return false;
      return true;
    case 'or':
      for (let i = 0; i < sel.operands.length; i++) if (matches(sel.operands[i]!, labels)) return true;
      return false;
  }
};

// Own properties only: 'constructor' and 'toString' are valid label keys, and
// a label map is often a plain object that inherits them.
const lookup = (labels: Readonly<Record<string, string>>, key: string): string | undefined => {
  const v = labels[key];
  return typeof v === 'string' && Object.hasOwn(labels, key) ? v : undefined;
};

// Sets in selectors are small (a handful of names); a linear scan beats
// hashing or bisecting them and does not depend on the AST being normalised.
const member = (values: readonly string[], v: string): boolean => values.includes(v);
