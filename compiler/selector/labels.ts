// Kubernetes label syntax: which strings are valid label keys and values.
// Selectors may only name valid keys (so a typo is caught at decode time, not
// silently matching nothing); values inside selectors are free text, but
// values coming from Kubernetes objects must obey the label-value rule.
import * as E from 'fp-ts/Either';

const NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const MAX_NAME = 63;
const MAX_PREFIX = 253;

/** The characters a label key can contain; the lexer reads a maximal run of them as one word. */
export const isLabelKeyChar = (c: number): boolean =>
  (c >= 0x61 && c <= 0x7a) || // a-z
  (c >= 0x41 && c <= 0x5a) || // A-Z
  (c >= 0x30 && c <= 0x39) || // 0-9
  c === 0x2d || // -
  c === 0x2e || // .
  c === 0x5f || // _
  c === 0x2f; // /

/** `[prefix/]name`: prefix a DNS subdomain of at most 253 characters, name at most 63 characters. */
export const validateLabelKey = (key: string): E.Either<string, string> => {
  const slash = key.indexOf('/');
  const name = slash < 0 ? key : key.slice(slash + 1);
  if (slash >= 0) {
    const prefix = key.slice(0, slash);
    if (prefix.length === 0) return E.left(`invalid label key ${quote(key)}: empty prefix before '/'`);
    if (prefix.length > MAX_PREFIX)
      return E.left(`invalid label key ${quote(key)}: prefix longer than ${MAX_PREFIX} characters`);
    if (!DNS_SUBDOMAIN.test(prefix))
      return E.left(`invalid label key ${quote(key)}: prefix must be a lowercase DNS subdomain`);
  }
  if (name.length === 0) return E.left(`invalid label key ${quote(key)}: empty name`);
  if (name.length > MAX_NAME) return E.left(`invalid label key ${quote(key)}: name longer than ${MAX_NAME} characters`);
  if (!NAME.test(name))
    return E.left(
      `invalid label key ${quote(key)}: name must be alphanumerics, '-', '_' and '.', starting and ending alphanumeric`,
    );
  return E.right(key);
};

/** Empty, or at most 63 alphanumerics, '-', '_' and '.', starting and ending alphanumeric. */
export const validateLabelValue = (value: string): E.Either<string, string> => {
  if (value.length > MAX_NAME) return E.left(`invalid label value ${quote(value)}: longer than ${MAX_NAME} characters`);
  if (!VALUE.test(value))
    return E.left(
      `invalid label value ${quote(value)}: must be alphanumerics, '-', '_' and '.', starting and ending alphanumeric`,
    );
  return E.right(value);
};

const quote = (s: string): string => JSON.stringify(s);
