// Lists with conditions on the whole list: at least one element, and no two
// elements alike by some key (an address listed twice, two entries for one
// protocol and port). A repeat is reported at the later element's path, and
// says where the first one is, so `spec.ports[2]: duplicate TCP port 53
// (already at index 0)`. Elements are decoded first; the list checks run on
// what decoded, so one bad element does not hide a repeat elsewhere.
import * as t from 'io-ts';
import { isLeft } from 'fp-ts/Either';
import { FAIL, quickDecoder, withQuick } from './quick-decode';
import { show } from './primitives';


export interface Distinct<A> {
  /** The identity of an element; elements without one (undefined) are never repeats. */
  readonly key: (a: A) => string | undefined;
  /** The field of the element the repeat is reported at (`name`), or the element itself. */
  readonly field?: string;
  /** What the repeat is, for the message: `duplicate ${what(a)}`. */
  readonly what: (a: A) => string;
}

export interface ListConditions<A> {
  readonly nonEmpty?: boolean;
  readonly distinct?: ReadonlyArray<Distinct<A>>;
}

/** A list of `codec`, named `name` in messages ("a list of addresses"), with the given conditions. */
export const listWhere = <C extends t.Mixed>(codec: C, name: string, conditions: ListConditions<t.TypeOf<C>>) => {
  const list = new t.Type<Array<t.TypeOf<C>>, unknown, unknown>(
    `list of ${name}`,
    (u): u is Array<t.TypeOf<C>> => Array.isArray(u),
    (u, c) => {
      if (!Array.isArray(u)) return t.failure(u, c, `expected a list of ${name}, got ${show(u)}`);
      if (conditions.nonEmpty && u.length === 0) return t.failure(u, c, `expected a non-empty list of ${name}, got []`);
      const errors: t.Errors = [];
      const out: Array<t.TypeOf<C>> = [];
      const ok: boolean[] = [];
      u.forEach((x, i) => {
        const r = codec.validate(x, [...c, { key: String(i), type: codec, actual: x }]);
        if (isLeft(r)) errors.push(...r.left);
        else out[i] = r.right;
        ok[i] = !isLeft(r);
      });
      for (const d of conditions.distinct ?? []) {
        const first = new Map<string, number>();
        u.forEach((x, i) => {
          if (!ok[i]) return;
          const key = d.key(out[i]);
          if (key === undefined) return;
          const seen = first.get(key);
          if (seen === undefined) {
            first.set(key, i);
            return;
          }
          const context = [...c, { key: String(i), type: codec, actual: x }];
          if (d.field !== undefined) context.push({ key: d.field, type: t.unknown, actual: undefined });
          errors.push({ value: x, context, message: `duplicate ${d.what(out[i])} (already at index ${seen})` });
        });
      }
      return errors.length > 0 ? t.failures(errors) : t.success(out);
    },
    (a) => a,
  );
  // validate's success path (quick-decode.ts): every element decodes, no condition is broken.
  const item = quickDecoder(codec);
  return withQuick(list, (u) => {
    if (!Array.isArray(u)) return FAIL;
    if (conditions.nonEmpty && u.length === 0) return FAIL;
    const out: Array<t.TypeOf<C>> = [];
    for (let i = 0; i < u.length; i++) {
      if (!(i in u)) return FAIL; // a hole, which validate's forEach skips: never in JSON, so let validate judge it
      const v = item(u[i]);
      if (v === FAIL) return FAIL;
      out[i] = v as t.TypeOf<C>;
    }
    for (const d of conditions.distinct ?? []) {
      const seen = new Set<string>();
      for (const x of out) {
        const key = d.key(x);
        if (key === undefined) continue;
        if (seen.has(key)) return FAIL;
        seen.add(key);
      }
    }
    return out;
  });
};
