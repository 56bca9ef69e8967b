// The named sets a host's ruleset needs, collected while rules are compiled,
// and the named ports whose numbers the rules were written with. A set's name
// is a hash of what it means (its scope, or its list of nets), so every rule
// meaning the same thing shares one set, and an endpoint joining a selector
// changes set elements, not rules. Its elements are not computed here: a set
// says where they come from (a membership of the cluster index, or its own
// list of nets), and the document is filled from that source.
import type { NamedPortKey } from '../incremental/memberships';
import type { Scope } from './scope';

export type SetSource =
  /** Addresses of the endpoints in a scope (narrowed to those carrying a named port). */
  | { readonly kind: 'members'; readonly scope: Scope; readonly port?: NamedPortKey }
  /** A fixed list of elements. */
  | { readonly kind: 'fixed'; readonly elements: readonly unknown[] };

export interface SetSpec {
  readonly name: string;
  readonly type: 'ipv4_addr' | 'ipv6_addr';
  readonly family: 4 | 6;
  readonly interval: boolean;
  /** What the set means, for people reading the ruleset. */
  readonly comment: string;
  readonly source: SetSource;
}

export type SetNaming = (prefix: string, family: 4 | 6, identity: string) => string;

export class SetRegistry {
  private readonly sets = new Map<string, SetSpec>();
  /** `name|proto` of every named port whose numbers the rules were compiled with. */
  readonly namedPorts = new Set<string>();

  constructor(private readonly naming: SetNaming) {}

  /** Registers (once) and returns the name of the set identified by `identity`. */
  use(prefix: string, family: 4 | 6, identity: string, make: () => Pick<SetSpec, 'interval' | 'comment' | 'source'>): string {
    const name = this.naming(prefix, family, identity);
    if (!this.sets.has(name)) this.sets.set(name, { name, type: family === 4 ? 'ipv4_addr' : 'ipv6_addr', family, ...make() });
    return name;
  }

  all(): SetSpec[] {
    return [...this.sets.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}
