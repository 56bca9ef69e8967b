// The io-ts codec for selector fields in resources: decodes selector text
// into its canonical rendering, branded so that only validated, canonical
// text can be used as a selector's identity. Failure messages are the
// parser's ("at column 7: expected …"); turning them into paths for people
// is the resource decoder's job.
import * as t from 'io-ts';
import * as E from 'fp-ts/Either';
import { parseSelector } from './parse';
import { renderSelector, SelectorSource } from './render';

export type { SelectorSource } from './render';

/** Selector text → canonical text; Left is the parser's message. */
export const canonicaliseSelector = (text: string): E.Either<string, SelectorSource> =>
  E.map(renderSelector)(parseSelector(text));

const isSelectorSource = (u: unknown): u is SelectorSource =>
  typeof u === 'string' && E.exists((c: SelectorSource) => c === u)(canonicaliseSelector(u));

export const SelectorText = new t.Type<SelectorSource, string, unknown>(
  'SelectorText',
  isSelectorSource,
  (u, c) => {
    if (typeof u !== 'string') return t.failure(u, c, 'expected a selector string');
    const r = canonicaliseSelector(u);
    return E.isRight(r) ? t.success(r.right) : t.failure(u, c, r.left);
  },
  (a) => a,
);
export type SelectorText = t.TypeOf<typeof SelectorText>;
