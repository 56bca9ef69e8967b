// Parses Calico v3 selector text into the normal-form AST (ast.ts), or says
// at which column it stopped and what it expected there. Never throws: depth
// is bounded so hostile input cannot exhaust the stack. Grammar:
//
//   selector   := <empty> | or
//   or         := and ('||' and)*
//   and        := unary ('&&' unary)*
//   unary      := '!' unary | '(' or ')' | 'has' '(' key ')' | 'all' '(' ')'
//               | 'global' '(' ')' | key test
//   test       := '==' str | '!=' str | 'in' set | 'not' 'in' set
//               | 'contains' str | 'starts' 'with' str | 'ends' 'with' str
//   set        := '{' (str (',' str)*)? '}'
//   str        := '…' | "…"            (no escapes, as in Calico)
//   key        := [dns-prefix '/'] name (Kubernetes label key)
import * as E from 'fp-ts/Either';
import { all, and, global, has, inSet, not, notInSet, or, Selector, stringTest, StringTestKind } from './ast';
import { validateLabelKey } from './labels';
import { describeToken, lexAt, Token } from './lex';

/** Deeper nesting of '(' and '!' than this is refused rather than risking the stack. */
export const MAX_SELECTOR_DEPTH = 100;

const SIMPLE_TESTS: Readonly<Record<string, { kind: StringTestKind; name: string }>> = {
  '==': { kind: 'eq', name: "'=='" },
  '!=': { kind: 'neq', name: "'!='" },
  contains: { kind: 'contains', name: "'contains'" },
};
const WITH_TESTS: Readonly<Record<string, StringTestKind>> = { starts: 'startsWith', ends: 'endsWith' };

type Failure = { readonly failed: true };
const FAILED: Failure = { failed: true };
const isFailure = (x: unknown): x is Failure => x === FAILED;

// Parser state is local to one parseSelector call; failures set `error` and
// unwind by returning FAILED, so no exception ever crosses the module boundary.
class Parser {
  private tok: Token;
  private depth = 0;
  error: string | undefined;

  constructor(private readonly text: string) {
    this.tok = this.lex(0);
  }

  private lex(offset: number): Token {
    const t = lexAt(this.text, offset);
    if (t.type !== 'error') return t;
    this.fail(t.start, t.message);
    return { type: 'end', start: t.start, next: t.start };
  }

  private fail(offset: number, message: string): Failure {
    if (this.error === undefined) this.error = `at column ${offset + 1}: ${message}`;
    return FAILED;
  }

  private expected(what: string): Failure {
    return this.fail(this.tok.start, `expected ${what}, found ${describeToken(this.tok)}`);
  }

  private advance(): void {
    this.tok = this.lex(this.tok.next);
  }

  // A method, not a field test, so TypeScript does not carry a narrowed token type across advance().
  private at(type: Token['type']): boolean {
    return this.tok.type === type;
  }

  private isWord(text: string): boolean {
    return this.tok.type === 'word' && this.tok.text === text;
  }

  /** Consumes the punctuation or keyword `what`, or fails with "expected <what> <context>". */
  private expect(what: string, context: string): Failure | undefined {
    const tok = this.tok;
    const ok = tok.type === 'word' ? tok.text === what : tok.type === what;
    if (!ok) return this.expected(`'${what}'${context}`);
    this.advance();
    return undefined;
  }

  parseSelector(): Selector | Failure {
    if (this.error !== undefined) return FAILED;
    if (this.at('end')) return all;
    const sel = this.parseOr();
    if (isFailure(sel)) return sel;
    if (!this.at('end')) return this.expected("'&&', '||' or end of selector");
    return sel;
  }

  private parseOr(): Selector | Failure {
    const operands: Selector[] = [];
    for (;;) {
      const operand = this.parseAnd();
      if (isFailure(operand)) return operand;
      operands.push(operand);
      if (!this.at('||')) return or(operands);
      this.advance();
    }
  }

  private parseAnd(): Selector | Failure {
    const operands: Selector[] = [];
    for (;;) {
      const operand = this.parseUnary();
      if (isFailure(operand)) return operand;
      operands.push(operand);
      if (!this.at('&&')) return and(operands);
      this.advance();
    }
  }

  private parseUnary(): Selector | Failure {
    const tok = this.tok;
    if (tok.type === '!' || tok.type === '(') {
      if (this.depth >= MAX_SELECTOR_DEPTH)
        return this.fail(tok.start, `nesting deeper than ${MAX_SELECTOR_DEPTH} levels of '(' and '!'`);
      this.depth++;
      this.advance();
      const inner = tok.type === '!' ? this.parseUnary() : this.parseParenthesised();
      this.depth--;
      if (isFailure(inner)) return inner;
      return tok.type === '!' ? not(inner) : inner;
    }
    if (tok.type !== 'word') return this.expected("a label key, 'has(', 'all()', 'global()', '!' or '('");
    if (lexAt(this.text, tok.next).type === '(') {
      if (tok.text === 'has') return this.parseHas();
      if (tok.text === 'all' || tok.text === 'global') return this.parseNullary(tok.text);
    }
    return this.parseTest();
  }

  private parseParenthesised(): Selector | Failure {
    const inner = this.parseOr();
    if (isFailure(inner)) return inner;
    return this.expect(')', ' to close the parenthesis') ?? inner;
  }

  private parseHas(): Selector | Failure {
    this.advance(); // 'has'
    this.advance(); // '('
    const key = this.parseKey("a label key after 'has('");
    if (isFailure(key)) return key;
    return this.expect(')', ` after 'has(${key}'`) ?? has(key);
  }

  private parseNullary(name: 'all' | 'global'): Selector | Failure {
    this.advance(); // name
    this.advance(); // '('
    return this.expect(')', ` after '${name}('`) ?? (name === 'all' ? all : global);
  }

  private parseKey(what: string): string | Failure {
    const tok = this.tok;
    if (tok.type !== 'word') return this.expected(what);
    const valid = validateLabelKey(tok.text);
    if (E.isLeft(valid)) return this.fail(tok.start, valid.left);
    this.advance();
    return tok.text;
  }

  private parseTest(): Selector | Failure {
    const key = this.parseKey('a label key');
    if (isFailure(key)) return key;
    const op = this.tok;
    const opText = op.type === 'word' ? op.text : op.type;
    const simple = Object.hasOwn(SIMPLE_TESTS, opText) ? SIMPLE_TESTS[opText] : undefined;
    if (simple !== undefined) {
      this.advance();
      const value = this.parseString(`a quoted string after ${simple.name}`);
      return isFailure(value) ? value : stringTest(simple.kind, key, value);
    }
    const withKind = op.type === 'word' && Object.hasOwn(WITH_TESTS, op.text) ? WITH_TESTS[op.text] : undefined;
    if (withKind !== undefined) {
      this.advance();
      const missing = this.expect('with', ` after '${opText}'`);
      if (missing) return missing;
      const value = this.parseString(`a quoted string after '${opText} with'`);
      return isFailure(value) ? value : stringTest(withKind, key, value);
    }
    if (this.isWord('in') || this.isWord('not')) {
      const negated = this.isWord('not');
      this.advance();
      if (negated) {
        const missing = this.expect('in', " after 'not'");
        if (missing) return missing;
      }
      const values = this.parseSet(negated ? "'not in'" : "'in'");
      if (isFailure(values)) return values;
      return negated ? notInSet(key, values) : inSet(key, values);
    }
    return this.expected(
      `'==', '!=', 'in', 'not in', 'contains', 'starts with' or 'ends with' after label key '${key}'`,
    );
  }

  private parseString(what: string): string | Failure {
    const tok = this.tok;
    if (tok.type !== 'string') return this.expected(what);
    this.advance();
    return tok.value;
  }

  private parseSet(after: string): string[] | Failure {
    const missing = this.expect('{', ` after ${after}`);
    if (missing) return missing;
    const values: string[] = [];
    if (this.at('}')) {
      this.advance();
      return values;
    }
    for (;;) {
      const value = this.parseString(values.length === 0 ? "a quoted string or '}'" : "a quoted string after ','");
      if (isFailure(value)) return value;
      values.push(value);
      if (this.at('}')) {
        this.advance();
        return values;
      }
      if (!this.at(',')) return this.expected("',' or '}'");
      this.advance();
    }
  }
}

/** Selector text → normal-form AST. Empty (or blank) text means all(), as in Calico. */
export const parseSelector = (text: string): E.Either<string, Selector> => {
  const parser = new Parser(text);
  const sel = parser.parseSelector();
  return isFailure(sel) || parser.error !== undefined ? E.left(parser.error ?? 'invalid selector') : E.right(sel);
};
