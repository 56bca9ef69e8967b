// The name syntaxes Kubernetes and Calico use (DNS-1123 labels and
// subdomains, label names), as loops over the characters rather than regular
// expressions: every name, namespace, label key and label value of every
// resource replayed goes through one of them, and a match costs several
// times a loop. Each spells out the expression it stands for; the property
// test holds them to it.

const isLowerAlnum = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 97 && c <= 122);
const isAlnum = (c: number): boolean => isLowerAlnum(c) || (c >= 65 && c <= 90);

/** /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/ over s[from, to). */
const isLabelBetween = (s: string, from: number, to: number): boolean => {
  if (to <= from) return false;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (isLowerAlnum(c)) continue;
    if (c !== 45 || i === from || i === to - 1) return false;
  }
  return true;
};

/** /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/ */
export const isDns1123Label = (s: string): boolean => isLabelBetween(s, 0, s.length);

/** /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/: DNS-1123 labels joined by dots. */
export const isDns1123Subdomain = (s: string): boolean => {
  let from = 0;
  for (;;) {
    const dot = s.indexOf('.', from);
    const to = dot < 0 ? s.length : dot;
    if (!isLabelBetween(s, from, to)) return false;
    if (dot < 0) return true;
    from = dot + 1;
  }
};

/** /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/: a label key's name part, or a non-empty label value. */
export const isLabelName = (s: string): boolean => {
  const n = s.length;
  if (n === 0) return false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (isAlnum(c)) continue;
    if (i === 0 || i === n - 1 || (c !== 45 && c !== 95 && c !== 46)) return false;
  }
  return true;
};
