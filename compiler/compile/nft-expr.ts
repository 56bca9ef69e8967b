// The libnftables JSON expressions the compiler emits (see `man libnftables-json`),
// built by small functions so rule code reads like nft. Marks: foldnet owns two
// bits of the packet mark, ALLOW and PASS, to carry a policy's decision back
// from a jumped-to chain (the same device Calico uses); all other bits are
// preserved.
export type Expr = Readonly<Record<string, unknown>>;
export type Value = string | number | Expr;

export const MARK_ALLOW = 0x10000;
export const MARK_PASS = 0x20000;
const MARK_KEEP = (0xffffffff ^ (MARK_ALLOW | MARK_PASS)) >>> 0;

export const payload = (protocol: string, field: string): Expr => ({ payload: { protocol, field } });
export const meta = (key: string): Expr => ({ meta: { key } });
export const ctState: Expr = { ct: { key: 'state' } };

export const match = (left: Expr, op: '==' | '!=' | 'in', right: unknown): Expr => ({ match: { op, left, right } });
export const eq = (left: Expr, right: unknown): Expr => match(left, '==', right);
export const ne = (left: Expr, right: unknown): Expr => match(left, '!=', right);
export const setRef = (name: string): string => `@${name}`;
export const anonSet = (values: readonly unknown[]): Expr => ({ set: values });
export const range = (from: number, to: number): Expr => ({ range: [from, to] });

export const accept: Expr = { accept: null };
export const drop: Expr = { drop: null };
export const ret: Expr = { return: null };
export const jump = (target: string): Expr => ({ jump: { target } });
export const goto = (target: string): Expr => ({ goto: { target } });
export const log = (prefix: string): Expr => ({ log: { prefix } });
export const vmap = (key: Expr, map: string): Expr => ({ vmap: { key, data: setRef(map) } });

const markWith = (op: '|' | '&', bits: number): Expr => ({ mangle: { key: meta('mark'), value: { [op]: [meta('mark'), bits] } } });
export const setAllowMark = markWith('|', MARK_ALLOW);
export const setPassMark = markWith('|', MARK_PASS);
export const clearMarks = markWith('&', MARK_KEEP);
const markBits = (bits: number): Expr => ({ '&': [meta('mark'), bits] });
export const markHas = (bits: number): Expr => eq(markBits(bits), bits);
export const markLacks = (bits: number): Expr => eq(markBits(bits), 0);

/** `fib saddr . iif oif missing`: the route back to the source does not leave by the interface the packet came in by. */
export const reversePathMissing: Expr = { match: { op: '==', left: { fib: { result: 'oif', flags: ['saddr', 'iif'] } }, right: false } };

export const nfproto = (family: 4 | 6): Expr => eq(meta('nfproto'), family === 4 ? 'ipv4' : 'ipv6');
export const ipField = (family: 4 | 6, field: 'saddr' | 'daddr'): Expr => payload(family === 4 ? 'ip' : 'ip6', field);
