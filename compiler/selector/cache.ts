// Memoises parsing of canonical selector text for hot paths (the compiler
// resolves the same few selectors for every endpoint). Callers own instances,
// so the module keeps no state of its own; an instance only grows, so scope
// it to one compilation or drop it with the state it serves.
import * as E from 'fp-ts/Either';
import { not, all, Selector } from './ast';
import { SelectorSource } from './render';
import { parseSelector } from './parse';

export class SelectorCache {
  private readonly parsed = new Map<string, Selector>();

  /**
   * The AST of canonical text. A SelectorSource always parses; text cast to
   * the brand without going through the codec and failing to parse yields a
   * selector that matches nothing, so the mistake shows as missing matches
   * (and in tests), never as a crash in the compiler.
   */
  get(source: SelectorSource): Selector {
    const hit = this.parsed.get(source);
    if (hit !== undefined) return hit;
    const r = parseSelector(source);
    const sel = E.isRight(r) ? r.right : not(all);
    this.parsed.set(source, sel);
    return sel;
  }

  get size(): number {
    return this.parsed.size;
  }
}
