// Translates a Kubernetes LabelSelector (matchLabels + matchExpressions, as in
// networking.k8s.io/v1 NetworkPolicy podSelector/namespaceSelector) into a
// selector AST with the same meaning. Validates as the Kubernetes API server
// does and reports every problem, not the first. Adding Calico's implicit
// terms (namespace, orchestrator) is the policy translator's job, not this.
import * as E from 'fp-ts/Either';
import { and, compareStrings, has, inSet, not, notInSet, Selector, selectorLabelKeys, stringTest } from './ast';
import { validateLabelKey, validateLabelValue } from './labels';
import { renderSelector } from './render';

export type K8sLabelSelectorRequirement = {
  readonly key: string;
  readonly operator: string;
  readonly values?: readonly string[] | null;
};

export type K8sLabelSelector = {
  readonly matchLabels?: Readonly<Record<string, string>> | null;
  readonly matchExpressions?: readonly K8sLabelSelectorRequirement[] | null;
};

type Checked = E.Either<readonly string[], Selector>;

/**
 * `{}` or nothing selects everything; otherwise every term must hold.
 * Terms are ordered by key, then by canonical text, and repeats dropped, so
 * reordering a Kubernetes selector does not change the selector's identity.
 */
export const fromK8sLabelSelector = (ls: K8sLabelSelector | null | undefined): E.Either<string, Selector> => {
  const checked: Checked[] = [
    ...Object.entries(ls?.matchLabels ?? {}).map(([key, value]) => matchLabel(key, value)),
    ...(ls?.matchExpressions ?? []).map((req, i) => requirement(req, `matchExpressions[${i}]`)),
  ];
  const problems = checked.flatMap((c) => (E.isLeft(c) ? c.left : []));
  if (problems.length > 0) return E.left(problems.join('; '));
  const terms = checked
    .flatMap((c) => (E.isRight(c) ? [c.right] : []))
    .map((sel) => ({ key: selectorLabelKeys(sel)[0] ?? '', text: renderSelector(sel), sel }))
    .sort((a, b) => compareStrings(a.key, b.key) || compareStrings(a.text, b.text));
  const unique = terms.filter((t, i) => i === 0 || t.text !== terms[i - 1]!.text);
  return E.right(and(unique.map((t) => t.sel)));
};

const problemsOf = (where: string, ...checks: E.Either<string, unknown>[]): string[] =>
  checks.flatMap((c) => (E.isLeft(c) ? [`${where}: ${c.left}`] : []));

const matchLabel = (key: string, value: unknown): Checked => {
  const where = `matchLabels[${JSON.stringify(key)}]`;
  if (typeof value !== 'string') return E.left([`${where}: value must be a string`]);
  const problems = problemsOf(where, validateLabelKey(key), validateLabelValue(value));
  return problems.length > 0 ? E.left(problems) : E.right(stringTest('eq', key, value));
};

const requirement = (req: K8sLabelSelectorRequirement, where: string): Checked => {
  const values = req.values ?? [];
  const problems = [
    ...problemsOf(`${where}.key`, validateLabelKey(req.key)),
    ...values.flatMap((v, j) => problemsOf(`${where}.values[${j}]`, validateLabelValue(v))),
  ];
  const op = req.operator;
  const sel = ((): E.Either<string, Selector> => {
    switch (op) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) return E.left(`operator ${op} needs at least one value`);
        return E.right(op === 'In' ? inSet(req.key, values) : notInSet(req.key, values));
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) return E.left(`operator ${op} takes no values`);
        return E.right(op === 'Exists' ? has(req.key) : not(has(req.key)));
      default:
        return E.left(`unknown operator ${JSON.stringify(op)}: expected In, NotIn, Exists or DoesNotExist`);
    }
  })();
  const all = [...problemsOf(where, sel), ...problems];
  return all.length > 0 || E.isLeft(sel) ? E.left(all) : E.right(sel.right);
};
