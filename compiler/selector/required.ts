// A label every match of a selector must carry: `key == value` (or `key in
// {value}`) on its own or as one operand of an `and`. Indexes use it to find
// the selectors a label map can match without evaluating every one; a
// selector with none (`all()`, `has(k)`, `!=`, `||`, ...) must be evaluated
// against everything. The first such operand is taken, so the answer is a
// function of the selector.
import { Selector } from './ast';

export interface RequiredLabel {
  readonly key: string;
  readonly value: string;
}

export const requiredLabel = (sel: Selector): RequiredLabel | undefined => {
  switch (sel.kind) {
    case 'eq':
      return { key: sel.key, value: sel.value };
    case 'in':
      return sel.values.length === 1 ? { key: sel.key, value: sel.values[0]! } : undefined;
    case 'and':
      for (const op of sel.operands) {
        const r = requiredLabel(op);
        if (r !== undefined) return r;
      }
      return undefined;
    default:
      return undefined;
  }
};
