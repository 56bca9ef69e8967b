// Renders a selector AST as canonical Calico selector text: the text the
// compiler uses as a selector's identity (one nftables set per distinct
// text). The AST is normalised first, so spellings that differ only in
// whitespace, quoting, parentheses, grouping of &&/|| chains or the order
// and repetition of `in` set members print the same. Canonical form:
//
//   all()  global()  has(k)  k == "v"  k != "v"  k contains "v"
//   k starts with "v"  k ends with "v"  k in {"a", "b"}  k not in {"a", "b"}
//   a && b && c        a || b && c       !has(k)   !(k == "v")   !(a && b)
//
// Values are double-quoted unless they contain '"', then single-quoted (a
// value with both quote characters has no spelling in Calico's language,
// and neither the parser nor fromK8sLabelSelector ever produces one).
import { normaliseSelector, Selector } from './ast';

/**
 * Canonical selector text: what renderSelector prints. Text of this type
 * parses back to the AST it was rendered from (normalised) whenever that AST
 * came from the parser or fromK8sLabelSelector; the codec is the way in for
 * text from users.
 */
export type SelectorSource = string & { readonly SelectorSource: unique symbol };

export const renderSelector = (sel: Selector): SelectorSource => renderNormal(normaliseSelector(sel)) as SelectorSource;

const quoted = (value: string): string => (value.includes('"') ? `'${value}'` : `"${value}"`);
const set = (values: readonly string[]): string => `{${values.map(quoted).join(', ')}}`;

const renderNormal = (sel: Selector): string => {
  switch (sel.kind) {
    case 'all':
      return 'all()';
    case 'global':
      return 'global()';
    case 'has':
      return `has(${sel.key})`;
    case 'eq':
      return `${sel.key} == ${quoted(sel.value)}`;
    case 'neq':
      return `${sel.key} != ${quoted(sel.value)}`;
    case 'contains':
      return `${sel.key} contains ${quoted(sel.value)}`;
    case 'startsWith':
      return `${sel.key} starts with ${quoted(sel.value)}`;
    case 'endsWith':
      return `${sel.key} ends with ${quoted(sel.value)}`;
    case 'in':
      return `${sel.key} in ${set(sel.values)}`;
    case 'notIn':
      return `${sel.key} not in ${set(sel.values)}`;
    case 'not':
      return `!${isCall(sel.operand) ? renderNormal(sel.operand) : `(${renderNormal(sel.operand)})`}`;
    case 'and':
      // Normal form has no `and` directly inside `and`, so only `or` needs parentheses.
      return sel.operands.map((op) => (op.kind === 'or' ? `(${renderNormal(op)})` : renderNormal(op))).join(' && ');
    case 'or':
      return sel.operands.map(renderNormal).join(' || ');
  }
};

/** Operands that read unambiguously after '!' without parentheses. */
const isCall = (sel: Selector): boolean =>
  sel.kind === 'all' || sel.kind === 'global' || sel.kind === 'has' || sel.kind === 'not';
