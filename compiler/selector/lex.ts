// The selector tokenizer: reads one token at a given offset. It is a pure
// function of (text, offset), so the parser can peek ahead without state and
// reports the first error in reading order. Which words are keywords is the
// parser's business (a label may be called `in` or `has`).
import { isLabelKeyChar } from './labels';

export type Token =
  | { readonly type: 'end'; readonly start: number; readonly next: number }
  | { readonly type: 'word'; readonly text: string; readonly start: number; readonly next: number }
  | { readonly type: 'string'; readonly value: string; readonly start: number; readonly next: number }
  | { readonly type: Punct; readonly start: number; readonly next: number };

export type Punct = '(' | ')' | '{' | '}' | ',' | '&&' | '||' | '!' | '==' | '!=';

/** A lexical error: where, and what went wrong there. */
export type LexError = { readonly type: 'error'; readonly start: number; readonly message: string };

const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

const SINGLE: Readonly<Record<string, Punct>> = { '(': '(', ')': ')', '{': '{', '}': '}', ',': ',' };
const DOUBLE: Readonly<Record<string, Punct>> = { '&&': '&&', '||': '||', '==': '==', '!=': '!=' };

export const lexAt = (text: string, offset: number): Token | LexError => {
  let start = offset;
  while (start < text.length && isSpace(text.charCodeAt(start))) start++;
  if (start >= text.length) return { type: 'end', start, next: start };
  const ch = text[start]!;
  const pair = text.slice(start, start + 2);
  const double = Object.hasOwn(DOUBLE, pair) ? DOUBLE[pair] : undefined;
  if (double !== undefined) return { type: double, start, next: start + 2 };
  const single = Object.hasOwn(SINGLE, ch) ? SINGLE[ch] : undefined;
  if (single !== undefined) return { type: single, start, next: start + 1 };
  if (ch === '!') return { type: '!', start, next: start + 1 };
  if (ch === "'" || ch === '"') {
    // Calico's strings have no escapes: a value runs to the next matching quote.
    const close = text.indexOf(ch, start + 1);
    if (close < 0) return { type: 'error', start, message: `unterminated string: expected a closing ${ch}` };
    return { type: 'string', value: text.slice(start + 1, close), start, next: close + 1 };
  }
  if (isLabelKeyChar(text.charCodeAt(start))) {
    let end = start + 1;
    while (end < text.length && isLabelKeyChar(text.charCodeAt(end))) end++;
    return { type: 'word', text: text.slice(start, end), start, next: end };
  }
  if (ch === '&' || ch === '|' || ch === '=')
    return { type: 'error', start, message: `expected '${ch}${ch}', found a single '${ch}'` };
  return { type: 'error', start, message: `unexpected character ${JSON.stringify(ch)}` };
};

/** How a token is named in "expected X, found Y". */
export const describeToken = (tok: Token): string => {
  switch (tok.type) {
    case 'end':
      return 'end of selector';
    case 'word':
      return `'${tok.text}'`;
    case 'string':
      return 'a quoted string';
    default:
      return `'${tok.type}'`;
  }
};
