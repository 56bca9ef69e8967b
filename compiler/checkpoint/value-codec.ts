// A lossless JSON encoding of the values a ClusterState holds: plain objects,
// arrays, strings, finite numbers, booleans, null, `undefined` properties and
// immutable-js Maps (nested anywhere). JSON alone would drop `undefined`
// properties (`mac: undefined` in a model) and cannot hold a Map, and a
// decoded checkpoint must equal the state it came from, not just hash alike.
//
// Grammar of the encoded form (JSON):
//   value   := string | number | boolean | null | [value, ...] | object | tagged
//   tagged  := {"$": "u"}                          an undefined property or element
//            | {"$": "m", "e": [[value, value], ...]}   an immutable Map, entries in
//                                                        its iteration order
//   object  := {key: value, ...}  where every key beginning with "$" gets one more
//              "$" in front, so no plain object ever has the key "$" itself.
// Object key order and Map iteration order are kept as they were: they are
// part of what later folds can observe (see checkpoint.ts).
//
// Anything else (Sets, Lists, class instances, functions, NaN, ±Infinity, -0,
// bigint, symbols) is refused with its path rather than encoded wrongly.
import * as E from 'fp-ts/Either';
import { isImmutable, Map as IMap } from 'immutable';

const TAG = '$';

const escapeKey = (k: string): string => (k.startsWith(TAG) ? `${TAG}${k}` : k);
const unescapeKey = (k: string): string => (k.startsWith(TAG) ? k.slice(1) : k);

const isPlainObject = (v: object): boolean => {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
};

/** Thrown only inside this module, to unwind a deep walk; callers get an Either. */
class Refused {
  constructor(readonly reason: string) {}
}

const encodeValue = (v: unknown, path: string): unknown => {
  if (v === undefined) return { [TAG]: 'u' };
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || Object.is(v, -0)) throw new Refused(`${path}: the number ${String(v)} has no exact JSON form`);
    return v;
  }
  if (typeof v !== 'object') throw new Refused(`${path}: a ${typeof v} cannot be encoded`);
  if (IMap.isMap(v)) {
    const entries: unknown[] = [];
    let i = 0;
    for (const [k, x] of v as IMap<unknown, unknown>) {
      entries.push([encodeValue(k, `${path}.<key ${i}>`), encodeValue(x, `${path}[${JSON.stringify(k)}]`)]);
      i++;
    }
    return { [TAG]: 'm', e: entries };
  }
  if (isImmutable(v)) throw new Refused(`${path}: only immutable Maps are supported, not other immutable collections`);
  if (Array.isArray(v)) return v.map((x, i) => encodeValue(x, `${path}[${i}]`));
  if (!isPlainObject(v)) throw new Refused(`${path}: an instance of ${(v as object).constructor?.name ?? 'a class'} cannot be encoded`);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) out[escapeKey(k)] = encodeValue((v as Record<string, unknown>)[k], `${path}.${k}`);
  return out;
};

const decodeValue = (v: unknown, path: string): unknown => {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x, i) => decodeValue(x, `${path}[${i}]`));
  const o = v as Record<string, unknown>;
  if (TAG in o) {
    if (o[TAG] === 'u') return undefined;
    if (o[TAG] === 'm' && Array.isArray(o.e)) {
      const entries = o.e.map((pair, i): [unknown, unknown] => {
        if (!Array.isArray(pair) || pair.length !== 2) throw new Refused(`${path}: map entry ${i} is not a [key, value] pair`);
        return [decodeValue(pair[0], `${path}.<key ${i}>`), decodeValue(pair[1], `${path}.<value ${i}>`)];
      });
      return IMap(entries);
    }
    throw new Refused(`${path}: unknown tag ${JSON.stringify(o[TAG])}`);
  }
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o)) out[unescapeKey(k)] = decodeValue(o[k], `${path}.${k}`);
  return out;
};

const attempt = <A>(f: () => A): E.Either<string, A> => {
  try {
    return E.right(f());
  } catch (e) {
    if (e instanceof Refused) return E.left(e.reason);
    // A stack overflow on absurdly deep input, say: still a value, not a crash.
    return E.left(e instanceof Error ? e.message : String(e));
  }
};

/** The JSON-safe form of `v`, or why it has none. */
export const encodeValueTree = (v: unknown): E.Either<string, unknown> => attempt(() => encodeValue(v, '$'));

/** The value an encoded tree stands for, or why the tree is not one this module wrote. */
export const decodeValueTree = (u: unknown): E.Either<string, unknown> => attempt(() => decodeValue(u, '$'));
