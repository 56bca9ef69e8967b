// Evaluates selector text (as the model stores it: canonical, already
// validated) against a label map. Parses on every call: the reference
// evaluator trades speed for having no state at all. Text that does not parse
// cannot come from a decoded resource; it matches nothing, so a mistake shows
// as a missing match rather than a crash.
import * as E from 'fp-ts/Either';
import { matches, parseSelector } from '../selector';

export type Labels = Readonly<Record<string, string>>;

export const selectorTextMatches = (text: string, labels: Labels): boolean => {
  const parsed = parseSelector(text);
  return E.isRight(parsed) && matches(parsed.right, labels);
};
