// A closed object codec: like io-ts `type`/`partial`, but a field the schema does
// not know is an error naming its path (a typo such as `protocl:` must never be
// silently dropped: in a security policy that would widen what it allows).
import * as t from 'io-ts';
import { isLeft } from 'fp-ts/Either';

type Props = Record<string, t.Mixed>;

export type ClosedOf<R extends Props, O extends Props> = t.TypeOf<t.TypeC<R>> & t.TypeOf<t.PartialC<O>>;

export const closed = <R extends Props, O extends Props>(
  name: string,
  required: R,
  optional: O,
): t.Type<ClosedOf<R, O>, unknown, unknown> => {
  const known = new Set([...Object.keys(required), ...Object.keys(optional)]);
  return new t.Type<ClosedOf<R, O>, unknown, unknown>(
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
};
