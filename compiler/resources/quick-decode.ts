// Decoding without error reporting: the success path of a codec, and nothing
// more. io-ts builds a context (the path to each value, for error messages)
// at every field it visits, whether or not anything fails, and replay decodes
// every resource in the log; nearly all of them decode. So the fold first
// tries a codec's quick twin, which either gives exactly the value `decode`
// would give (the same fields, in the same order, the same objects where
// io-ts keeps them) or says FAIL, and only then runs the codec itself, whose
// errors are the ones reported. A twin may say FAIL where the codec would
// succeed (that costs time, not results); it must never succeed where the
// codec fails.
//
// quickDecoder(codec) reads the structure of io-ts's own combinators (type,
// partial, intersection, array, union, record and the primitives) and repeats
// their success path (io-ts 2.2's lib/index.js). Our own composite codecs
// (closed, listOf, listWhere, rules, services) carry their twin as `quick`,
// written beside their `validate`; any other codec is validated with an empty
// context, which is correct because no codec's value depends on its context,
// and cheap for leaves, which build no contexts of their own.
import * as t from 'io-ts';

export const FAIL: unique symbol = Symbol('does not decode');
export type Quick = (u: unknown) => unknown;

/** A codec that carries its own quick twin. */
export interface WithQuick {
  readonly quick: Quick;
}

export const withQuick = <C extends t.Mixed>(codec: C, quick: Quick): C & WithQuick => Object.assign(codec, { quick });

const NO_CONTEXT: t.Context = [];
const hasOwn = Object.prototype.hasOwnProperty;

/** io-ts's UnknownRecord.is. */
export const isRecord = (u: unknown): u is Record<string, unknown> => u !== null && typeof u === 'object' && !Array.isArray(u);

/** io-ts's mergeAll: how an intersection joins what its members decoded. */
const mergeAll = (base: unknown, us: readonly unknown[]): unknown => {
  let equal = true;
  let primitive = true;
  const baseIsNotADictionary = !isRecord(base);
  for (const u of us) {
    if (u !== base) equal = false;
    if (isRecord(u)) primitive = false;
  }
  if (equal) return base;
  if (primitive) return us[us.length - 1];
  const r: Record<string, unknown> = {};
  for (const u of us) {
    const o = u as Record<string, unknown>;
    // for-in, as io-ts: own and inherited enumerable keys.
    for (const k in o) {
      if (!hasOwn.call(r, k) || baseIsNotADictionary || o[k] !== (base as Record<string, unknown>)[k]) r[k] = o[k];
    }
  }
  return r;
};

const byValidate = (codec: t.Decoder<unknown, unknown>): Quick => (u) => {
  const r = codec.validate(u, NO_CONTEXT);
  return r._tag === 'Left' ? FAIL : r.right;
};

/** The props of a type/partial codec, as parallel arrays. */
const propsOf = (props: Record<string, t.Decoder<unknown, unknown>>): { keys: string[]; quicks: Quick[] } => {
  const keys = Object.keys(props);
  return { keys, quicks: keys.map((k) => quickDecoder(props[k]!)) };
};

/**
 * t.type (`partial` false) and t.partial (`partial` true): they differ only in
 * that a partial forgives a failure on an absent (undefined) field, and a type
 * writes an absent field's decoded `undefined` as an own key.
 */
const propsQuick = (props: Record<string, t.Decoder<unknown, unknown>>, partial: boolean): Quick => {
  const { keys, quicks } = propsOf(props);
  return (u) => {
    if (!isRecord(u)) return FAIL;
    let a = u;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      const ak = a[k];
      const v = quicks[i]!(ak);
      if (v === FAIL) {
        if (partial && ak === undefined) continue;
        return FAIL;
      }
      if (v !== ak || (!partial && v === undefined && !hasOwn.call(a, k))) {
        if (a === u) a = { ...u };
        a[k] = v;
      }
    }
    return a;
  };
};

/**
 * Whether `v`'s keys are `u`'s, in the same order, perhaps followed by more:
 * as a props member's copy of `u` is (`{ ...u }`, then fields written). When
 * every other member gave back `u` itself, mergeAll would then build a copy
 * of `v`, key for key and value for value (u's keys first, where v's values
 * win when they differ; then v's own). Plain objects without symbol keys
 * only: mergeAll's for-in would also copy inherited keys, and never symbols.
 */
const extendsInOrder = (u: Record<string, unknown>, v: Record<string, unknown>): boolean => {
  if (Object.getPrototypeOf(u) !== Object.prototype || Object.getPrototypeOf(v) !== Object.prototype) return false;
  const uk = Object.keys(u);
  const vk = Object.keys(v);
  if (vk.length < uk.length) return false;
  for (let i = 0; i < uk.length; i++) if (uk[i] !== vk[i]) return false;
  return Object.getOwnPropertySymbols(v).length === 0;
};

const intersectionQuick = (codecs: readonly t.Decoder<unknown, unknown>[]): Quick => {
  const quicks = codecs.map(quickDecoder);
  if (quicks.length === 0) return (u) => u;
  return (u) => {
    // Most members give back `u` itself, and then so would mergeAll: the list is made only when one does not.
    let us: unknown[] | undefined;
    // The one member that did not, while it is the only one.
    let only: unknown;
    for (let i = 0; i < quicks.length; i++) {
      const v = quicks[i]!(u);
      if (v === FAIL) return FAIL;
      if (us !== undefined) {
        us.push(v);
        if (v !== u) only = undefined;
      } else if (v !== u) {
        us = [];
        for (let j = 0; j < i; j++) us.push(u);
        us.push(v);
        only = v;
      }
    }
    if (us === undefined) return u;
    // mergeAll would copy `only` field for field, in its order: `only` (a member's own copy of `u`) stands for that copy.
    if (only !== undefined && isRecord(u) && isRecord(only) && extendsInOrder(u, only)) return only;
    return mergeAll(u, us);
  };
};

const arrayQuick = (item: t.Decoder<unknown, unknown>): Quick => {
  const q = quickDecoder(item);
  return (u) => {
    if (!Array.isArray(u)) return FAIL;
    let as: unknown[] = u;
    for (let i = 0; i < u.length; i++) {
      const ui: unknown = u[i];
      const v = q(ui);
      if (v === FAIL) return FAIL;
      if (v !== ui) {
        if (as === u) as = u.slice();
        as[i] = v;
      }
    }
    return as;
  };
};

/** An untagged union: the first member that decodes. */
const unionQuick = (codecs: readonly t.Decoder<unknown, unknown>[]): Quick => {
  const quicks = codecs.map(quickDecoder);
  return (u) => {
    for (const q of quicks) {
      const v = q(u);
      if (v !== FAIL) return v;
    }
    return FAIL;
  };
};

/** t.record(t.string, codomain). */
const stringRecordQuick = (codomain: t.Decoder<unknown, unknown>): Quick => {
  const q = quickDecoder(codomain);
  return (u) => {
    if (!isRecord(u)) return FAIL;
    const a: Record<string, unknown> = {};
    let changed = false;
    for (const k of Object.keys(u)) {
      const ok = u[k];
      const v = q(ok);
      if (v === FAIL) return FAIL;
      changed = changed || v !== ok;
      a[k] = v;
    }
    return changed ? a : u;
  };
};

type Structure = {
  readonly _tag?: string;
  readonly quick?: Quick;
  readonly props?: Record<string, t.Decoder<unknown, unknown>>;
  readonly types?: readonly t.Decoder<unknown, unknown>[];
  readonly type?: t.Decoder<unknown, unknown>;
  readonly value?: unknown;
  readonly tag?: string;
  readonly domain?: { readonly _tag?: string };
  readonly codomain?: t.Decoder<unknown, unknown>;
};

/** The quick twin of `codec`. Build it once, where the codec is defined: building walks the codec's whole tree. */
export function quickDecoder(codec: t.Decoder<unknown, unknown>): Quick {
  const s = codec as t.Decoder<unknown, unknown> & Structure;
  if (typeof s.quick === 'function') return s.quick;
  switch (s._tag) {
    case 'InterfaceType':
      return propsQuick(s.props!, false);
    case 'PartialType':
      return propsQuick(s.props!, true);
    case 'IntersectionType':
      return intersectionQuick(s.types!);
    case 'ArrayType':
      return arrayQuick(s.type!);
    case 'UnionType':
      // A tagged union decodes with the member its tag picks, not the first that fits.
      return s.tag === undefined ? unionQuick(s.types!) : byValidate(codec);
    case 'DictionaryType':
      return s.domain?._tag === 'StringType' ? stringRecordQuick(s.codomain!) : byValidate(codec);
    case 'LiteralType': {
      const value = s.value;
      return (u) => (u === value ? value : FAIL);
    }
    case 'StringType':
      return (u) => (typeof u === 'string' ? u : FAIL);
    case 'NumberType':
      return (u) => (typeof u === 'number' ? u : FAIL);
    case 'BooleanType':
      return (u) => (typeof u === 'boolean' ? u : FAIL);
    case 'AnyDictionaryType':
      return (u) => (isRecord(u) ? u : FAIL);
    case 'AnyArrayType':
      return (u) => (Array.isArray(u) ? u : FAIL);
    case 'UnknownType':
      return (u) => u;
    default:
      return byValidate(codec);
  }
}
