// The cluster-wide policies an endpoint's labels can be selected by, found
// without testing every one: a policy whose selector requires a label
// (compiler/selector/required.ts) is filed under that key and value, the
// others are always candidates. An endpoint then meets the policies filed
// under its own labels and the unfiled ones — what applicableTiers would
// otherwise test against all of the cluster's global policies, for every
// endpoint compiled. A candidate still has its selectors evaluated.
import { PolicyModel } from '../model/types';
import { Selector } from '../selector/ast';
import { requiredLabel } from '../selector/required';

const slot = (key: string, value: string): string => `${key}\u0000${value}`;

export class PolicyCandidates {
  private readonly filed = new Map<string, Map<string, PolicyModel>>();
  private readonly unfiled = new Map<string, PolicyModel>();
  /** Where each policy is filed (undefined: unfiled), to remove it. */
  private readonly where = new Map<string, string | undefined>();

  get size(): number {
    return this.where.size;
  }

  /** Files `p`, whose endpoint selector is `selector` (replacing an earlier version of it). */
  add(p: PolicyModel, selector: Selector): void {
    this.remove(p.id);
    const r = requiredLabel(selector);
    const at = r === undefined ? undefined : slot(r.key, r.value);
    this.where.set(p.id, at);
    if (at === undefined) this.unfiled.set(p.id, p);
    else {
      let m = this.filed.get(at);
      if (m === undefined) {
        m = new Map();
        this.filed.set(at, m);
      }
      m.set(p.id, p);
    }
  }

  remove(id: string): void {
    if (!this.where.has(id)) return;
    const at = this.where.get(id);
    this.where.delete(id);
    if (at === undefined) this.unfiled.delete(id);
    else {
      const m = this.filed.get(at)!;
      m.delete(id);
      if (m.size === 0) this.filed.delete(at);
    }
  }

  /** The policies `labels` can be selected by, each once, into `out`. */
  collect(labels: Readonly<Record<string, string>>, out: PolicyModel[]): void {
    for (const p of this.unfiled.values()) out.push(p);
    for (const key in labels) {
      const m = this.filed.get(slot(key, labels[key]!));
      if (m !== undefined) for (const p of m.values()) out.push(p);
    }
  }
}
