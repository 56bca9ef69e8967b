// A document in nft's own text syntax (nft(8)), for people to read and for
// `nft -f` to load into the same ruleset as the JSON. A document of plain
// objects becomes one block,
//   table inet foldnet {
//       set NAME { type T; flags interval; elements = { ... } }
//       map NAME { type T : verdict; elements = { K : VERDICT, ... } }
//       chain NAME { type filter|nat hook H priority P; policy accept; RULE... }
//   }
// followed by `add element` / `add rule` lines for what the block cannot hold;
// a transaction with add / flush / delete wrappers becomes one command per
// line (`add rule inet foldnet C ...`, `flush set inet foldnet S`, ...). Set
// comments become `#` comments: nft 1.0.6 drops them when loading JSON, and
// both loads must agree. Statements as nft(8) writes them, e.g.
// `numgen random mod 3 vmap { 0 : goto a, 1 : goto b }`, `dnat ip to 10.0.0.5:8080`,
// `dnat ip6 to [fd00::5]:8080`. Names, comments and values are assumed checked.
import * as E from 'fp-ts/Either';
import { isFibMatch } from './schema';
import type { NftChain, NftCommand, NftDnat, NftDocument, NftElem, NftMap, NftMapElem, NftMatch, NftRule, NftScalar, NftSet, NftSetType, NftStatement, NftVerdict, NftVmapKey } from './schema';
import { Datatype, isBitmask, leftDatatype } from './datatype';

const quoteIfName = (dt: Datatype | undefined, v: NftScalar): string => {
  if (typeof v === 'number') return String(v);
  if (v.startsWith('@')) return v;
  if (dt === 'ifname' || (dt === undefined && !/^[0-9a-fA-F:.]+$/.test(v))) return `"${v}"`;
  return v;
};

export const elemText = (dt: Datatype | undefined, e: NftElem): string => {
  if (typeof e === 'string' || typeof e === 'number') return quoteIfName(dt, e);
  if ('range' in e) return `${quoteIfName(dt, e.range[0])}-${quoteIfName(dt, e.range[1])}`;
  return `${e.prefix.addr}/${e.prefix.len}`;
};

export const verdictText = (v: NftVerdict): string =>
  'jump' in v ? `jump ${v.jump.target}` : 'goto' in v ? `goto ${v.goto.target}` : Object.keys(v)[0]!;

const hex = (n: number): string => `0x${n.toString(16).padStart(8, '0')}`;

const leftText = (l: NftVmapKey): string =>
  'numgen' in l ? `numgen ${l.numgen.mode} mod ${l.numgen.mod}${(l.numgen.offset ?? 0) !== 0 ? ` offset ${l.numgen.offset}` : ''}`
    : 'payload' in l ? `${l.payload.protocol} ${l.payload.field}` : 'ct' in l ? 'ct state' : '&' in l ? `meta mark & ${hex(l['&'][1])}`
    : l.meta.key.endsWith('ifname') ? l.meta.key : `meta ${l.meta.key}`;

const braces = (items: ReadonlyArray<string>): string => `{ ${items.join(', ')} }`;

const matchText = (m: NftMatch): string => {
  if (isFibMatch(m)) return `fib saddr . iif oif ${m.right ? 'exists' : 'missing'}`;
  const dtE = leftDatatype(m.left);
  const dt = E.isRight(dtE) ? dtE.right : undefined;
  const { op, right } = m;
  let value: string;
  if (Array.isArray(right)) value = right.map((v) => quoteIfName(dt, v)).join(',');
  else if (typeof right === 'object' && 'set' in right) value = braces(right.set.map((e) => elemText(dt, e)));
  else value = elemText(dt, right as NftElem);
  // For ct state a bare value is a flag test ("in"); equality must be spelled out.
  const scalar = typeof right === 'string' || typeof right === 'number';
  const spelled = '&' in m.left || (dt !== undefined && isBitmask(dt) && scalar);
  const opText = op === 'in' ? '' : op === '==' ? (spelled ? '== ' : '') : `${op} `;
  if (dt === 'mark' && typeof right === 'number') value = hex(right);
  return `${leftText(m.left)} ${opText}${value}`;
};

const mapElemText = (dt: Datatype | undefined, [k, v]: NftMapElem): string => `${elemText(dt, k)} : ${verdictText(v)}`;

/** An IPv6 address with a port needs brackets, or the port would read as more address. */
const dnatText = (d: NftDnat): string =>
  `dnat ${d.family} to ${d.port === undefined ? d.addr : d.family === 'ip6' ? `[${d.addr}]:${d.port}` : `${d.addr}:${d.port}`}`;

export const statementText = (s: NftStatement): string => {
  if ('match' in s) return matchText(s.match);
  if ('dnat' in s) return dnatText(s.dnat);
  if ('vmap' in s) {
    const dtE = leftDatatype(s.vmap.key);
    const dt = E.isRight(dtE) ? dtE.right : undefined;
    const data = typeof s.vmap.data === 'string' ? s.vmap.data : braces(s.vmap.data.set.map((e) => mapElemText(dt, e)));
    return `${leftText(s.vmap.key)} vmap ${data}`;
  }
  if ('log' in s) {
    const l = s.log;
    return ['log', ...(l?.prefix !== undefined ? [`prefix "${l.prefix}"`] : []), ...(l?.level !== undefined ? [`level ${l.level}`] : [])].join(' ');
  }
  if ('mangle' in s) {
    const v = s.mangle.value;
    return `meta mark set ${typeof v === 'number' ? hex(v) : '|' in v ? `meta mark | ${hex(v['|'][1])}` : `meta mark & ${hex(v['&'][1])}`}`;
  }
  if ('counter' in s) {
    const c = s.counter;
    return c?.packets !== undefined || c?.bytes !== undefined ? `counter packets ${c?.packets ?? 0} bytes ${c?.bytes ?? 0}` : 'counter';
  }
  return verdictText(s as NftVerdict);
};

export const ruleText = (r: NftRule): string =>
  [...r.expr.map(statementText), ...(r.comment !== undefined ? [`comment "${r.comment}"`] : [])].join(' ');

const elementsLine = (items: ReadonlyArray<string>): string[] => (items.length === 0 ? [] : [`elements = ${braces(items)}`]);

const setBody = (s: NftSet): string[] => [
  `type ${s.type}`,
  ...((s.flags ?? []).length > 0 ? [`flags ${s.flags!.join(', ')}`] : []),
  ...elementsLine((s.elem ?? []).map((e) => elemText(s.type, e))),
];
const mapBody = (m: NftMap): string[] => [
  `type ${m.type} : verdict`,
  ...((m.flags ?? []).length > 0 ? [`flags ${m.flags!.join(', ')}`] : []),
  ...elementsLine((m.elem ?? []).map((e) => mapElemText(m.type, e))),
];
const chainHead = (c: NftChain): string[] =>
  c.type === undefined ? [] : [`type ${c.type} hook ${c.hook} priority ${c.prio};${c.policy !== undefined ? ` policy ${c.policy};` : ''}`];

/** Set and map types declared anywhere in the document, to quote interface names right. */
const declaredTypes = (doc: NftDocument): Map<string, NftSetType> => {
  const types = new Map<string, NftSetType>();
  for (const c of doc.nftables) {
    const o = ('add' in c ? c.add : c) as Partial<Record<'set' | 'map', NftSet | NftMap>>;
    const decl = o.set ?? o.map;
    if (decl !== undefined) types.set(decl.name, decl.type);
  }
  return types;
};

const elementItems = (dt: Datatype | undefined, elem: ReadonlyArray<NftElem | NftMapElem>): string =>
  braces(elem.map((e) => (Array.isArray(e) ? mapElemText(dt, e as NftMapElem) : elemText(dt, e as NftElem))));

const commandLines = (c: NftCommand, types: ReadonlyMap<string, NftSetType>): string[] => {
  if ('metainfo' in c) return [];
  if ('flush' in c || 'delete' in c) {
    const verb = 'flush' in c ? 'flush' : 'delete';
    const [kind, o] = Object.entries('flush' in c ? c.flush : c.delete)[0] as [string, { family: string; table?: string; name?: string; chain?: string; handle?: number; elem?: ReadonlyArray<NftElem | NftMapElem> }];
    if (kind === 'table') return [`${verb} table ${o.family} ${o.name}`];
    if (kind === 'rule') return [`${verb} rule ${o.family} ${o.table} ${o.chain} handle ${o.handle}`];
    if (kind === 'element') {
      const keys = o.elem!.map((e) => (Array.isArray(e) ? (e as NftMapElem)[0] : (e as NftElem)));
      return [`${verb} element ${o.family} ${o.table} ${o.name} ${elementItems(types.get(o.name!), keys)}`];
    }
    return [`${verb} ${kind} ${o.family} ${o.table} ${o.name}`];
  }
  const o = ('add' in c ? c.add : c) as Exclude<NftCommand, { metainfo: unknown } | { add: unknown } | { flush: unknown } | { delete: unknown }>;
  const oneLine = (body: string[]): string => (body.length === 0 ? '' : ` { ${body.map((l) => (l.endsWith(';') ? l : `${l};`)).join(' ')} }`);
  if ('table' in o) return [`add table ${o.table.family} ${o.table.name}`];
  if ('chain' in o) return [`add chain ${o.chain.family} ${o.chain.table} ${o.chain.name}${oneLine(chainHead(o.chain))}`];
  if ('set' in o) return [...(o.set.comment !== undefined ? [`# ${o.set.name}: ${o.set.comment}`] : []), `add set ${o.set.family} ${o.set.table} ${o.set.name}${oneLine(setBody(o.set))}`];
  if ('map' in o) return [...(o.map.comment !== undefined ? [`# ${o.map.name}: ${o.map.comment}`] : []), `add map ${o.map.family} ${o.map.table} ${o.map.name}${oneLine(mapBody(o.map))}`];
  if ('rule' in o) return [`add rule ${o.rule.family} ${o.rule.table} ${o.rule.chain} ${ruleText(o.rule)}`];
  return [`add element ${o.element.family} ${o.element.table} ${o.element.name} ${elementItems(types.get(o.element.name), o.element.elem)}`];
};

const isPlain = (c: NftCommand): boolean => !('add' in c || 'flush' in c || 'delete' in c);

const block = (doc: NftDocument, types: ReadonlyMap<string, NftSetType>): string => {
  const objs = doc.nftables.filter((c) => !('metainfo' in c));
  const table = objs.find((c): c is { table: { family: 'inet'; name: string } } => 'table' in c);
  if (table === undefined) return objs.flatMap((c) => commandLines(c, types)).join('\n') + '\n';
  const chains = new Set(objs.flatMap((c) => ('chain' in c ? [c.chain.name] : [])));
  const sections: string[][] = [];
  for (const c of objs) {
    if ('set' in c) sections.push([`set ${c.set.name} {`, ...(c.set.comment !== undefined ? [`\t# ${c.set.comment}`] : []), ...setBody(c.set).map((l) => `\t${l}`), '}']);
    if ('map' in c) sections.push([`map ${c.map.name} {`, ...(c.map.comment !== undefined ? [`\t# ${c.map.comment}`] : []), ...mapBody(c.map).map((l) => `\t${l}`), '}']);
  }
  for (const c of objs) {
    if (!('chain' in c)) continue;
    const rules = objs.flatMap((r) => ('rule' in r && r.rule.chain === c.chain.name ? [ruleText(r.rule)] : []));
    sections.push([`chain ${c.chain.name} {`, ...[...chainHead(c.chain), ...rules].map((l) => `\t${l}`), '}']);
  }
  const body = sections.map((s) => s.map((l) => `\t${l}`).join('\n')).join('\n\n');
  const after = objs.filter((c) => 'element' in c || ('rule' in c && !chains.has(c.rule.chain))).flatMap((c) => commandLines(c, types));
  return [`table ${table.table.family} ${table.table.name} {`, ...(body === '' ? [] : [body]), '}', ...after].join('\n') + '\n';
};

/** The document as nft text: a table block for plain documents, one command per line for transactions. */
export const renderNftText = (doc: NftDocument): string => {
  const types = declaredTypes(doc);
  if (doc.nftables.every(isPlain)) return block(doc, types);
  return doc.nftables.flatMap((c) => commandLines(c, types)).join('\n') + '\n';
};
