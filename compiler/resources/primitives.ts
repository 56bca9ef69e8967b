// Validated primitives shared by every resource kind: names, labels, ports,
// protocols, ASNs. Each decodes to a branded or normalised value and fails
// with a message that says what was expected and what was given.
import * as t from 'io-ts';
import { isDns1123Label, isDns1123Subdomain, isLabelName } from './name-syntax';
import { FAIL, quickDecoder, withQuick } from './quick-decode';

export const show = (u: unknown): string => JSON.stringify(u) ?? String(u);

// Each carries its quick twin (quick-decode.ts): validate's success path without the Either around it.
const refined = <A>(name: string, check: (u: unknown) => string | undefined, convert: (u: unknown) => A = (u) => u as A) =>
  withQuick(
    new t.Type<A, unknown, unknown>(
      name,
      (u): u is A => check(u) === undefined,
      (u, c) => {
        const problem = check(u);
        return problem === undefined ? t.success(convert(u)) : t.failure(u, c, problem);
      },
      (a) => a,
    ),
    (u) => (check(u) === undefined ? convert(u) : FAIL),
  );


export type Name = string & { readonly Name: unique symbol };
export const Name = refined<Name>('name', (u) =>
  typeof u !== 'string'
    ? `expected a name (string), got ${show(u)}`
    : u.length === 0 || u.length > 253 || !isDns1123Subdomain(u)
      ? `expected a DNS-1123 name (lowercase letters, digits, '-' and '.', at most 253), got ${show(u)}`
      : undefined,
);

export type NamespaceName = string & { readonly NamespaceName: unique symbol };
export const NamespaceName = refined<NamespaceName>('namespace', (u) =>
  typeof u !== 'string'
    ? `expected a namespace (string), got ${show(u)}`
    : u.length === 0 || u.length > 63 || !isDns1123Label(u)
      ? `expected a DNS-1123 label (lowercase letters, digits and '-', at most 63), got ${show(u)}`
      : undefined,
);

export const labelKeyProblem = (k: string): string | undefined => {
  const slash = k.lastIndexOf('/');
  const prefix = slash < 0 ? undefined : k.slice(0, slash);
  const name = slash < 0 ? k : k.slice(slash + 1);
  if (prefix !== undefined && (prefix.length > 253 || !isDns1123Subdomain(prefix)))
    return `label key prefix must be a DNS-1123 subdomain, got ${show(k)}`;
  if (name.length === 0 || name.length > 63 || !isLabelName(name))
    return `label key must be 1-63 of [A-Za-z0-9._-] starting and ending alphanumeric, got ${show(k)}`;
  return undefined;
};
const labelValueProblem = (v: unknown): string | undefined =>
  typeof v !== 'string'
    ? `label value must be a string, got ${show(v)}`
    : v.length > 63 || (v.length > 0 && !isLabelName(v))
      ? `label value must be at most 63 of [A-Za-z0-9._-] starting and ending alphanumeric, got ${show(v)}`
      : undefined;

/**
 * Whether `u` (an object with own keys `keys`) is a valid label map whose
 * keys already come in the order Labels builds them (sorted), so that the
 * copy would equal it. Such a map is kept, not copied: replay is spared
 * a copy, and the document around it can decode to itself (quick-decode.ts).
 * JSON and YAML documents have no symbol keys, and any other prototype
 * goes the long way.
 */
const canonicalLabels = (u: object, keys: readonly string[]): boolean => {
  if (Object.getPrototypeOf(u) !== Object.prototype) return false;
  // Order first: it is cheap, and a map out of order is copied and checked on the long way anyway.
  for (let i = 1; i < keys.length; i++) if (!(keys[i - 1]! < keys[i]!)) return false;
  for (const k of keys) if (labelKeyProblem(k) !== undefined || labelValueProblem((u as Record<string, unknown>)[k]) !== undefined) return false;
  return Object.getOwnPropertySymbols(u).length === 0;
};

/** keys.sort(), by insertion, in place: label maps are small, and the general sort costs more than its work here. */
const sortInPlace = (keys: string[]): string[] => {
  for (let i = 1; i < keys.length; i++) {
    const k = keys[i]!;
    let j = i - 1;
    for (; j >= 0 && keys[j]! > k; j--) keys[j + 1] = keys[j]!;
    keys[j + 1] = k;
  }
  return keys;
};

export type Labels = Readonly<Record<string, string>>;
const LabelsCodec = new t.Type<Labels, unknown, unknown>(
  'labels',
  (u): u is Labels => typeof u === 'object' && u !== null,
  (u, c) => {
    if (typeof u !== 'object' || u === null || Array.isArray(u)) return t.failure(u, c, `expected a map of labels, got ${show(u)}`);
    const keys = Object.keys(u);
    if (canonicalLabels(u, keys)) return t.success(u as Labels);
    const errors: t.Errors = [];
    const out: Record<string, string> = {};
    for (const k of sortInPlace(keys)) {
      const v = (u as Record<string, unknown>)[k];
      const problem = labelKeyProblem(k) ?? labelValueProblem(v);
      if (problem) errors.push({ value: v, context: [...c, { key: k, type: t.string, actual: v }], message: problem });
      else out[k] = v as string;
    }
    return errors.length ? t.failures(errors) : t.success(out);
  },
  (a) => a,
);
export const Labels = withQuick(LabelsCodec, (u) => {
  if (typeof u !== 'object' || u === null || Array.isArray(u)) return FAIL;
  const keys = Object.keys(u);
  if (canonicalLabels(u, keys)) return u;
  const out: Record<string, string> = {};
  for (const k of sortInPlace(keys)) {
    const v = (u as Record<string, unknown>)[k];
    if (labelKeyProblem(k) !== undefined || labelValueProblem(v) !== undefined) return FAIL;
    out[k] = v as string;
  }
  return out;
});

export type PortNumber = number & { readonly PortNumber: unique symbol };
const portProblem = (u: unknown): string | undefined =>
  typeof u !== 'number' || !Number.isInteger(u) || u < 1 || u > 65535 ? `expected a port 1-65535, got ${show(u)}` : undefined;
export const PortNumber = refined<PortNumber>('port', portProblem);

const IANA_SVC_NAME = /^(?=.*[a-z])[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?$/;
export const portNameProblem = (u: unknown): string | undefined =>
  typeof u !== 'string' || !IANA_SVC_NAME.test(u) || u.includes('--')
    ? `expected a port name (IANA service name: 1-15 lowercase letters, digits and '-', at least one letter), got ${show(u)}`
    : undefined;
export type PortName = string & { readonly PortName: unique symbol };
export const PortName = refined<PortName>('port name', portNameProblem);

/** A rule's port: a number, a range `from:to`, or the name of an endpoint's named port. */
export type PortSpec =
  | { readonly kind: 'number'; readonly port: number }
  | { readonly kind: 'range'; readonly from: number; readonly to: number }
  | { readonly kind: 'name'; readonly name: string };

const parsePortSpec = (u: unknown): PortSpec | string => {
  if (typeof u === 'number') return portProblem(u) ?? { kind: 'number', port: u };
  if (typeof u !== 'string') return `expected a port, a range "from:to" or a port name, got ${show(u)}`;
  const m = /^(\d+):(\d+)$/.exec(u);
  if (m) {
    const from = Number(m[1]);
    const to = Number(m[2]);
    if (portProblem(from) || portProblem(to) || from > to) return `expected a port range "from:to" with 1 <= from <= to <= 65535, got ${show(u)}`;
    return from === to ? { kind: 'number', port: from } : { kind: 'range', from, to };
  }
  if (/^\d+$/.test(u)) return parsePortSpec(Number(u));
  return portNameProblem(u) ?? { kind: 'name', name: u };
};

export const PortSpec = withQuick(
  new t.Type<PortSpec, number | string, unknown>(
    'port',
    (u): u is PortSpec => typeof u === 'object' && u !== null && 'kind' in u,
    (u, c) => {
      const r = parsePortSpec(u);
      return typeof r === 'string' ? t.failure(u, c, r) : t.success(r);
    },
    (p) => (p.kind === 'number' ? p.port : p.kind === 'range' ? `${p.from}:${p.to}` : p.name),
  ),
  (u) => {
    const r = parsePortSpec(u);
    return typeof r === 'string' ? FAIL : r;
  },
);

/** Calico spells protocols TCP, UDP, SCTP, ICMP, ICMPv6, UDPLite, or a number 1-255. */
export type Protocol = 'TCP' | 'UDP' | 'SCTP' | 'ICMP' | 'ICMPv6' | 'UDPLite' | number;
const PROTOCOL_NAMES: Record<string, Protocol> = { tcp: 'TCP', udp: 'UDP', sctp: 'SCTP', icmp: 'ICMP', icmpv6: 'ICMPv6', udplite: 'UDPLite' };
export const PROTOCOL_NUMBERS: Record<string, number> = { TCP: 6, UDP: 17, SCTP: 132, ICMP: 1, ICMPv6: 58, UDPLite: 136 };
export const protocolNumber = (p: Protocol): number => (typeof p === 'number' ? p : PROTOCOL_NUMBERS[p]!);
const PORTED_PROTOCOLS: Readonly<Record<number, 'TCP' | 'UDP' | 'SCTP'>> = { 6: 'TCP', 17: 'UDP', 132: 'SCTP' };
/** The name of a protocol with ports (what services and port rules speak of), if `n` is one. */
export const portedProtocolName = (n: number): 'TCP' | 'UDP' | 'SCTP' | undefined => PORTED_PROTOCOLS[n];
/** The protocol `u` spells, if any. */
const protocolOf = (u: unknown): Protocol | undefined => {
  if (typeof u === 'number' && Number.isInteger(u) && u >= 1 && u <= 255) return u;
  if (typeof u === 'string') {
    if (/^\d+$/.test(u) && Number(u) >= 1 && Number(u) <= 255) return Number(u);
    return PROTOCOL_NAMES[u.toLowerCase()];
  }
  return undefined;
};
export const Protocol = withQuick(
  new t.Type<Protocol, Protocol, unknown>(
    'protocol',
    (u): u is Protocol => true,
    (u, c) => {
      const p = protocolOf(u);
      return p !== undefined ? t.success(p) : t.failure(u, c, `expected a protocol (TCP, UDP, SCTP, ICMP, ICMPv6, UDPLite or 1-255), got ${show(u)}`);
    },
    (p) => p,
  ),
  (u) => protocolOf(u) ?? FAIL,
);

export type Asn = number & { readonly Asn: unique symbol };
export const Asn = refined<Asn>(
  'AS number',
  (u) => {
    const n = typeof u === 'string' && /^\d+$/.test(u) ? Number(u) : u;
    return typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 4294967295 ? `expected an AS number 1-4294967295, got ${show(u)}` : undefined;
  },
  (u) => Number(u) as Asn,
);

export const Order = refined<number>('order', (u) =>
  typeof u !== 'number' || !Number.isFinite(u) ? `expected a number (order), got ${show(u)}` : undefined,
);

export const NonEmptyString = refined<string>('string', (u) =>
  typeof u !== 'string' || u.length === 0 ? `expected a non-empty string, got ${show(u)}` : undefined,
);

const INTERFACE = /^[A-Za-z0-9_.-]{1,15}$/;
export type InterfaceName = string & { readonly InterfaceName: unique symbol };
export const InterfaceName = refined<InterfaceName>('interface name', (u) =>
  typeof u !== 'string' || !INTERFACE.test(u) || u === '.' || u === '..'
    ? `expected a Linux interface name (1-15 of letters, digits, '_', '.', '-'), got ${show(u)}`
    : undefined,
);

const MAC = /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/;
export const Mac = refined<string>(
  'MAC address',
  (u) => (typeof u !== 'string' || !MAC.test(u.toLowerCase()) ? `expected a MAC address like ee:ee:ee:ee:ee:ee, got ${show(u)}` : undefined),
  (u) => (u as string).toLowerCase(),
);

export const Bool = refined<boolean>('boolean', (u) => (typeof u !== 'boolean' ? `expected true or false, got ${show(u)}` : undefined));

export const IntInRange = (name: string, min: number, max: number) =>
  refined<number>(name, (u) =>
    typeof u !== 'number' || !Number.isInteger(u) || u < min || u > max ? `expected ${name} ${min}-${max}, got ${show(u)}` : undefined,
  );

export const listOf = <C extends t.Mixed>(codec: C, name: string) => {
  // Built once: t.array(codec) names itself after the element codec on every construction.
  const array = t.array(codec);
  const list = new t.Type<Array<t.TypeOf<C>>, unknown, unknown>(
    `list of ${name}`,
    (u): u is Array<t.TypeOf<C>> => Array.isArray(u),
    (u, c) => (Array.isArray(u) ? array.validate(u, c) : t.failure(u, c, `expected a list of ${name}, got ${show(u)}`)),
    (a) => a,
  );
  return withQuick(list, quickDecoder(array));
};

export const oneOf = <L extends string>(name: string, values: readonly L[]) =>
  refined<L>(name, (u) =>
    typeof u !== 'string' || !(values as readonly string[]).includes(u) ? `expected one of ${values.join(', ')}, got ${show(u)}` : undefined,
  );

/** A service's target port: a number, or a port name each backend resolves for itself (Kubernetes' IntOrString). */
export type TargetPort = { readonly kind: 'number'; readonly port: number } | { readonly kind: 'name'; readonly name: string };
export const TargetPort = new t.Type<TargetPort, number | string, unknown>(
  'target port',
  (u): u is TargetPort => typeof u === 'object' && u !== null && 'kind' in u,
  (u, c) => {
    const n = typeof u === 'string' && /^\d+$/.test(u) ? Number(u) : u;
    if (typeof n === 'number') {
      const problem = portProblem(n);
      return problem === undefined ? t.success({ kind: 'number', port: n }) : t.failure(u, c, problem);
    }
    const problem = portNameProblem(n);
    return problem === undefined ? t.success({ kind: 'name', name: n as string }) : t.failure(u, c, `expected a port 1-65535 or ${problem.slice('expected '.length)}`);
  },
  (p) => (p.kind === 'number' ? p.port : p.name),
);
