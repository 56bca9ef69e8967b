// A closed object codec: like io-ts `type`/`partial`, but a field the schema does
// not know is an error naming its path (a typo such as `protocl:` must never be
// silently dropped: in a security policy that would widen what it allows).
import * as t from 'io-ts';
import { isLeft } from 'fp-ts/Either';
import { FAIL, quickDecoder, withQuick } from './quick-decode';

type Props = Record<string, t.Mixed>;

export type ClosedOf<R extends Props, O extends Props> = t.TypeOf<t.TypeC<R>> & t.TypeOf<t.PartialC<O>>;

export const closed = <R extends Props, O extends Props>(
  name: string,
  required: R,
  optional: O,
): t.Type<ClosedOf<R, O>, unknown, unknown> => {
  const known = new Set([...Object.keys(required), ...Object.keys(optional)]);
  const codec = new t.Type<ClosedOf<R, O>, unknown, unknown>(
    name,
    (u): u is ClosedOf<R, O> => typeof u === 'object' && u !== null,
    (u, c) => {
      if (typeof u !== 'object' || u === null || Array.isArray(u))
        return t.failure(u, c, `expected an object (${name}), got ${Array.isArray(u) ? 'a list' : JSON.stringify(u)}`);
      const input = u as Record<string, unknown>;
      const errors: t.Errors = [];
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(input).sort()) {
        if (!known.has(key))
          errors.push({ value: input[key], context: [...c, { key, type: t.never, actual: input[key] }], message: `unknown field "${key}" in ${name}` });
      }
      for (const [key, codec] of Object.entries(required)) {
        const r = codec.validate(input[key], [...c, { key, type: codec, actual: input[key] }]);
        if (isLeft(r)) {
          if (input[key] === undefined)
            errors.push({ value: undefined, context: [...c, { key, type: codec, actual: undefined }], message: `required field "${key}" is missing` });
          else errors.push(...r.left);
        } else out[key] = r.right;
      }
      for (const [key, codec] of Object.entries(optional)) {
        if (input[key] === undefined || input[key] === null) continue;
        const r = codec.validate(input[key], [...c, { key, type: codec, actual: input[key] }]);
        if (isLeft(r)) errors.push(...r.left);
        else out[key] = r.right;
      }
      return errors.length > 0 ? t.failures(errors) : t.success(out as ClosedOf<R, O>);
    },
    (a) => a,
  );
  // validate's success path, field for field (quick-decode.ts).
  const requiredKeys = Object.keys(required);
  const requiredQuick = requiredKeys.map((k) => quickDecoder(required[k]!));
  const optionalKeys = Object.keys(optional);
  const optionalQuick = optionalKeys.map((k) => quickDecoder(optional[k]!));
  return withQuick(codec, (u) => {
    if (typeof u !== 'object' || u === null || Array.isArray(u)) return FAIL;
    const input = u as Record<string, unknown>;
    for (const key of Object.keys(input)) if (!known.has(key)) return FAIL;
    const out: Record<string, unknown> = {};
    for (let i = 0; i < requiredKeys.length; i++) {
      const v = requiredQuick[i]!(input[requiredKeys[i]!]);
      if (v === FAIL) return FAIL;
      out[requiredKeys[i]!] = v;
    }
    for (let i = 0; i < optionalKeys.length; i++) {
      const x = input[optionalKeys[i]!];
      if (x === undefined || x === null) continue;
      const v = optionalQuick[i]!(x);
      if (v === FAIL) return FAIL;
      out[optionalKeys[i]!] = v;
    }
    return out;
  });
};
