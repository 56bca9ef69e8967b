// The named sets a host's ruleset needs, collected while rules are compiled.
// A set's name is a hash of what it means (its scope, or its list of nets),
// so every rule meaning the same thing shares one set, and an endpoint joining
// a selector changes set elements, not rules.
import { sha256Hex } from '../hash/canonical';

export interface SetSpec {
  readonly name: string;
  readonly type: 'ipv4_addr' | 'ipv6_addr';
  readonly interval: boolean;
  /** What the set means, for people reading the ruleset. */
  readonly comment: string;
  /** Computes the elements; called once per set, after all rules are known. */
  readonly elements: () => readonly unknown[];
}

export class SetRegistry {
  private readonly sets = new Map<string, SetSpec>();

  /** Registers (once) and returns the name of the set identified by `identity`. */
  use(prefix: string, family: 4 | 6, identity: string, make: (name: string) => Omit<SetSpec, 'name' | 'type'>): string {
    const name = `${prefix}${family}-${sha256Hex(identity).slice(0, 12)}`;
    if (!this.sets.has(name)) this.sets.set(name, { name, type: family === 4 ? 'ipv4_addr' : 'ipv6_addr', ...make(name) });
    return name;
  }

  all(): SetSpec[] {
    return [...this.sets.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}
