// The datapath diff of one host between two snapshots: routes added and
// removed, nftables objects compared one by one in nft's own text (sets and
// maps by element, chains by rule line, after both rulesets are normalised so
// only meaning differs, never emission order), the BIRD config as a line
// diff, and sysctls. A host absent at one end counts as an empty datapath.
// Rendering for people is render-diff.ts's job; which two points of the log
// to compare, and which events lie between, the shell decides.
import * as E from 'fp-ts/Either';
import { snapshotHash } from '../compile/host';
import type { HostSnapshot, RouteModel, SysctlModel } from '../compile/snapshot';
import { byString } from '../model/sort';
import { normaliseDocument } from '../nft/normalise';
import { elemText, ruleText, verdictText } from '../nft/render-text';
import { decodeNftDocument, type NftChain, type NftDocument } from '../nft/schema';
import { diffLines, hunks, type Hunk, isUnchanged, type LineOp } from './line-diff';

export type ObjectChange = 'added' | 'removed' | 'changed';

export interface ElementsDiff {
  readonly name: string;
  readonly change: ObjectChange;
  /** What the set means (its comment), when the compiler said. */
  readonly comment?: string;
  readonly added: readonly string[];
  readonly removed: readonly string[];
}

export interface ChainDiff {
  readonly name: string;
  readonly change: ObjectChange;
  /** The chain's lines (hook line, then rules) as an edit script, in order. */
  readonly lines: readonly LineOp[];
}

export interface SysctlChange {
  readonly key: string;
  readonly before?: string;
  readonly after?: string;
}

export interface DatapathDiff {
  readonly host: string;
  /** Snapshot hashes at each end; undefined where the host did not exist. */
  readonly before?: string;
  readonly after?: string;
  readonly routes: { readonly added: readonly string[]; readonly removed: readonly string[] };
  readonly nftables: { readonly sets: readonly ElementsDiff[]; readonly maps: readonly ElementsDiff[]; readonly chains: readonly ChainDiff[] };
  /** Changed regions of the BIRD config, with context. */
  readonly bird: readonly Hunk[];
  readonly sysctls: readonly SysctlChange[];
}

export const routeText = (r: RouteModel): string =>
  `${r.type === 'blackhole' ? 'blackhole ' : ''}${r.dst}${r.dev ? ` dev ${r.dev}` : ''} proto ${r.protocol} scope ${r.scope}`;

interface NftView {
  readonly sets: ReadonlyMap<string, readonly string[]>;
  readonly maps: ReadonlyMap<string, readonly string[]>;
  readonly chains: ReadonlyMap<string, readonly string[]>;
  readonly comments: ReadonlyMap<string, string>;
}

const EMPTY_VIEW: NftView = { sets: new Map(), maps: new Map(), chains: new Map(), comments: new Map() };

const chainHeadLine = (c: NftChain): string[] =>
  c.type === undefined ? [] : [`type ${c.type} hook ${c.hook} priority ${c.prio}; policy ${c.policy ?? 'accept'};`];

/** Sets, maps and chains of a compiled document as nft text, keyed by name. */
const nftView = (raw: unknown): E.Either<string[], NftView> => {
  const decoded = decodeNftDocument(raw);
  if (E.isLeft(decoded)) return decoded;
  const comments = new Map<string, string>();
  for (const c of decoded.right.nftables) {
    const o = c as { set?: { name: string; comment?: string }; map?: { name: string; comment?: string } };
    const decl = o.set ?? o.map;
    if (decl?.comment !== undefined) comments.set(decl.name, decl.comment);
  }
  return E.map((doc: NftDocument) => {
    const sets = new Map<string, string[]>();
    const maps = new Map<string, string[]>();
    const chains = new Map<string, string[]>();
    for (const c of doc.nftables) {
      if ('set' in c) sets.set(c.set.name, (c.set.elem ?? []).map((e) => elemText(c.set.type, e)));
      else if ('map' in c) maps.set(c.map.name, (c.map.elem ?? []).map(([k, v]) => `${elemText(c.map.type, k)} : ${verdictText(v)}`));
      else if ('chain' in c) chains.set(c.chain.name, chainHeadLine(c.chain));
      else if ('rule' in c) chains.get(c.rule.chain)?.push(ruleText(c.rule));
    }
    return { sets, maps, chains, comments };
  })(normaliseDocument(decoded.right));
};

const names = (a: ReadonlyMap<string, unknown>, b: ReadonlyMap<string, unknown>): string[] => [...new Set([...a.keys(), ...b.keys()])].sort(byString);

const changeOf = (before: unknown, after: unknown): ObjectChange => (before === undefined ? 'added' : after === undefined ? 'removed' : 'changed');

const elementsDiffs = (a: ReadonlyMap<string, readonly string[]>, b: ReadonlyMap<string, readonly string[]>, comments: ReadonlyMap<string, string>): ElementsDiff[] =>
  names(a, b).flatMap((name) => {
    const before = a.get(name);
    const after = b.get(name);
    const was = new Set(before ?? []);
    const now = new Set(after ?? []);
    const added = [...now].filter((x) => !was.has(x));
    const removed = [...was].filter((x) => !now.has(x));
    if (before !== undefined && after !== undefined && added.length === 0 && removed.length === 0) return [];
    const comment = comments.get(name);
    return [{ name, change: changeOf(before, after), ...(comment === undefined ? {} : { comment }), added, removed }];
  });

const chainDiffs = (a: ReadonlyMap<string, readonly string[]>, b: ReadonlyMap<string, readonly string[]>): ChainDiff[] =>
  names(a, b).flatMap((name) => {
    const before = a.get(name);
    const after = b.get(name);
    const lines = diffLines(before ?? [], after ?? []);
    if (before !== undefined && after !== undefined && isUnchanged(lines)) return [];
    return [{ name, change: changeOf(before, after), lines }];
  });

const setDiff = (a: readonly string[], b: readonly string[]): { added: string[]; removed: string[] } => {
  const was = new Set(a);
  const now = new Set(b);
  return { added: b.filter((x) => !was.has(x)), removed: a.filter((x) => !now.has(x)) };
};

const sysctlDiff = (a: readonly SysctlModel[], b: readonly SysctlModel[]): SysctlChange[] => {
  const was = new Map(a.map((s) => [s.key, s.value]));
  const now = new Map(b.map((s) => [s.key, s.value]));
  return names(was, now).flatMap((key) => {
    const before = was.get(key);
    const after = now.get(key);
    return before === after ? [] : [{ key, ...(before === undefined ? {} : { before }), ...(after === undefined ? {} : { after }) }];
  });
};

const BIRD_CONTEXT = 3;

/** What changed on `host` from `before` to `after` (either may be absent: the host did not exist there). */
export const diffSnapshots = (host: string, before: HostSnapshot | undefined, after: HostSnapshot | undefined): E.Either<string[], DatapathDiff> => {
  const viewA = before === undefined ? E.right(EMPTY_VIEW) : nftView(before.nftables);
  const viewB = after === undefined ? E.right(EMPTY_VIEW) : nftView(after.nftables);
  if (E.isLeft(viewA)) return E.left(viewA.left.map((p) => `the earlier ruleset: ${p}`));
  if (E.isLeft(viewB)) return E.left(viewB.left.map((p) => `the later ruleset: ${p}`));
  const a = viewA.right;
  const b = viewB.right;
  const comments = new Map([...a.comments, ...b.comments]);
  const lines = (s: HostSnapshot | undefined): string[] => (s === undefined || s.bird === '' ? [] : s.bird.replace(/\n$/, '').split('\n'));
  return E.right({
    host,
    ...(before === undefined ? {} : { before: snapshotHash(before) }),
    ...(after === undefined ? {} : { after: snapshotHash(after) }),
    routes: setDiff((before?.routes ?? []).map(routeText), (after?.routes ?? []).map(routeText)),
    nftables: { sets: elementsDiffs(a.sets, b.sets, comments), maps: elementsDiffs(a.maps, b.maps, comments), chains: chainDiffs(a.chains, b.chains) },
    bird: hunks(diffLines(lines(before), lines(after)), BIRD_CONTEXT),
    sysctls: sysctlDiff(before?.sysctls ?? [], after?.sysctls ?? []),
  });
};

/** True when the two ends have the same datapath. */
export const isEmptyDiff = (d: DatapathDiff): boolean =>
  d.routes.added.length === 0 && d.routes.removed.length === 0 &&
  d.nftables.sets.length === 0 && d.nftables.maps.length === 0 && d.nftables.chains.length === 0 &&
  d.bird.length === 0 && d.sysctls.length === 0;
