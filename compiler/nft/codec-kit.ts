// io-ts combinators for the closed JSON shapes of libnftables' schema, and the
// renderer that turns io-ts errors into `nftables[3].rule.expr[0].match.left:
// message` lines. Shapes are closed: an unknown key is an error, because
// anything outside foldnet's subset must be refused, not silently dropped.
// What the shapes mean (datatypes, references) is checked elsewhere.
import * as t from 'io-ts';
import * as E from 'fp-ts/Either';

type Flat<T> = { [K in keyof T]: T[K] };
export type Closed<R extends t.Props, O extends t.Props> = Flat<
  { [K in keyof R]: t.TypeOf<R[K]> } & { [K in keyof O]?: t.TypeOf<O[K]> }
>;

const isRecord = (u: unknown): u is Record<string, unknown> =>
  typeof u === 'object' && u !== null && !Array.isArray(u);

/** A short description of any value; never throws (no JSON.stringify of objects, which may hold bigints or cycles). */
export const show = (u: unknown): string => {
  if (typeof u === 'string') return JSON.stringify(u.length > 60 ? `${u.slice(0, 57)}...` : u);
  if (typeof u === 'number' || typeof u === 'boolean' || u === null) return String(u);
  if (typeof u === 'bigint') return `${u}n`;
  if (Array.isArray(u)) return `an array of ${u.length}`;
  if (typeof u === 'object') {
    const keys = Object.keys(u);
    return keys.length === 0 ? 'an empty object' : `an object with ${keys.slice(0, 4).map((k) => JSON.stringify(k)).join(', ')}${keys.length > 4 ? ', ...' : ''}`;
  }
  return typeof u;
};

/** A failure whose message is final (not "expected X"). */
export const fail = <A>(u: unknown, c: t.Context, message: string): t.Validation<A> => t.failure(u, c, message);

/** An object with exactly these keys (optional ones may be absent). */
export const closed = <R extends t.Props, O extends t.Props = {}>(
  name: string,
  required: R,
  optional: O = {} as O,
): t.Type<Closed<R, O>, Closed<R, O>, unknown> => {
  const allowed = new Set([...Object.keys(required), ...Object.keys(optional)]);
  const validate = (u: unknown, c: t.Context): t.Validation<Closed<R, O>> => {
    if (!isRecord(u)) return fail(u, c, `expected an object (${name}), got ${show(u)}`);
    const errors: t.ValidationError[] = [];
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(u)) {
      if (!allowed.has(k))
        errors.push({ value: u[k], context: t.appendContext(c, k, t.unknown, u[k]), message: `unexpected key in ${name}` });
    }
    const take = (k: string, codec: t.Mixed): void => {
      const r = codec.validate(u[k], t.appendContext(c, k, codec, u[k]));
      if (E.isLeft(r)) errors.push(...r.left);
      else out[k] = r.right;
    };
    for (const [k, codec] of Object.entries(required)) {
      if (!(k in u)) errors.push({ value: undefined, context: t.appendContext(c, k, codec, undefined), message: `missing key (${codec.name})` });
      else take(k, codec);
    }
    for (const [k, codec] of Object.entries(optional)) if (k in u && u[k] !== undefined) take(k, codec);
    return errors.length > 0 ? t.failures(errors) : t.success(out as Closed<R, O>);
  };
  const is = (u: unknown): u is Closed<R, O> => E.isRight(validate(u, [{ key: '', type: t.unknown, actual: u }]));
  return new t.Type(name, is, validate, t.identity);
};

export type OneKey<C extends t.Props> = { [K in keyof C]: { [P in K]: t.TypeOf<C[K]> } }[keyof C];

/** An object with exactly one key, chosen among `cases`; the value is decoded by that case. */
export const oneKey = <C extends t.Props>(name: string, cases: C): t.Type<OneKey<C>, OneKey<C>, unknown> => {
  const keys = Object.keys(cases);
  const validate = (u: unknown, c: t.Context): t.Validation<OneKey<C>> => {
    if (!isRecord(u)) return fail(u, c, `expected an object (${name}) with one of ${keys.join(', ')}, got ${show(u)}`);
    const present = Object.keys(u);
    if (present.length !== 1)
      return fail(u, c, `expected exactly one key (${name}: one of ${keys.join(', ')}), got ${present.length === 0 ? 'none' : present.join(', ')}`);
    const k = present[0]!;
    const codec = Object.prototype.hasOwnProperty.call(cases, k) ? cases[k] : undefined;
    if (codec === undefined) return fail(u, c, `unsupported ${name} "${k}" (supported: ${keys.join(', ')})`);
    return E.map((v: unknown) => ({ [k]: v }) as OneKey<C>)(codec.validate(u[k], t.appendContext(c, k, codec, u[k])));
  };
  const is = (u: unknown): u is OneKey<C> => E.isRight(validate(u, [{ key: '', type: t.unknown, actual: u }]));
  return new t.Type(name, is, validate, t.identity);
};

/** `null`, or what `codec` decodes (without a union's noisy double report). */
export const nullOr = <C extends t.Mixed>(codec: C): t.Type<t.TypeOf<C> | null, t.TypeOf<C> | null, unknown> =>
  new t.Type(
    `null | ${codec.name}`,
    (u): u is t.TypeOf<C> | null => u === null || codec.is(u),
    (u, c) => (u === null ? t.success(null) : codec.validate(u, c)),
    t.identity,
  );

/** A codec from a predicate with a message of our own. */
export const refined = <A>(name: string, test: (u: unknown) => string | undefined, guard: (u: unknown) => u is A) =>
  new t.Type<A, A, unknown>(
    name,
    (u): u is A => guard(u) && test(u) === undefined,
    (u, c) => {
      const problem = test(u);
      return problem === undefined && guard(u) ? t.success(u) : fail(u, c, problem ?? `expected ${name}, got ${show(u)}`);
    },
    t.identity,
  );

export const Integer = refined<number>(
  'integer',
  (u) => (typeof u === 'number' && Number.isSafeInteger(u) ? undefined : `expected an integer, got ${show(u)}`),
  (u): u is number => typeof u === 'number',
);

/** `a.b[2].c` from an io-ts context; union and intersection members add no step. */
export const renderPath = (context: t.Context): string => {
  let path = '';
  for (let i = 1; i < context.length; i++) {
    const parent = context[i - 1]!.type as unknown as { _tag?: string };
    if (parent._tag === 'UnionType' || parent._tag === 'IntersectionType') continue;
    const key = context[i]!.key;
    if (/^\d+$/.test(key)) path += `[${key}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) path += path === '' ? key : `.${key}`;
    else path += `[${JSON.stringify(key)}]`;
  }
  return path === '' ? '(document)' : path;
};

export const renderErrors = (errors: t.Errors): string[] => {
  const lines = errors.map((e) => {
    const last = e.context[e.context.length - 1];
    const message = e.message ?? `expected ${last?.type.name ?? 'a value'}, got ${show(e.value)}`;
    return `${renderPath(e.context)}: ${message}`;
  });
  return [...new Set(lines)];
};

export const decodeWith = <A>(codec: t.Type<A, unknown, unknown>, u: unknown): E.Either<string[], A> =>
  E.mapLeft(renderErrors)(codec.decode(u));
