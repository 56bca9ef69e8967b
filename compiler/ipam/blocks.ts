// Block arithmetic: which blocks a pool is cut into, which address sits at
// which index of a block, and the allocation bitmap a block keeps. Every
// address of a block is usable, the first and the last included, as in
// Calico (a block is a routing aggregate, never a broadcast domain). Pure
// numbers; choosing blocks is assign.ts's job.
//
// This is the fold's hot path (a CNI ADD folds the whole log, and each
// assignment looks for the lowest free address), so addresses are computed
// from the block's parsed form with plain numbers instead of bigint and
// ipaddr.js per address; a test checks the text equals net/ip.ts's.
import ipaddr from 'ipaddr.js';
import { bigintToIp, Cidr, cidrAddress, cidrLength, cidrRange, familyOf, Ip, ipToBigint, maxPrefix } from '../net/ip';
import { PoolModel } from '../model/types';

/** Addresses in a block (at most 4096: the pool model refuses bigger blocks). */
export const blockCapacity = (block: Cidr): number => 2 ** (maxPrefix(familyOf(block)) - cidrLength(block));

/** How many blocks the pool is cut into. */
export const poolBlockCount = (pool: PoolModel): bigint => 1n << BigInt(pool.blockSize - cidrLength(pool.cidr));

/** The pool's `index`-th block, in address order. */
export const blockAt = (pool: PoolModel, index: bigint): Cidr => {
  const f = familyOf(pool.cidr);
  const first = cidrRange(pool.cidr).first + (index << BigInt(maxPrefix(f) - pool.blockSize));
  return `${bigintToIp(first, f)}/${pool.blockSize}` as Cidr;
};

const v4Number = (ip: string): number => ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
const v4Text = (n: number): Ip => `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}` as Ip;

/** RFC 5952 text of eight hextets: lowercase, no leading zeros, the longest run (≥ 2, first on a tie) of zeros as `::`. */
const v6Text = (h: readonly number[]): Ip => {
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (h[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && h[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (from: number, to: number): string => h.slice(from, to).map((x) => x.toString(16)).join(':');
  return (best < 0 ? hex(0, 8) : `${hex(0, best)}::${hex(best + bestLen, 8)}`) as Ip;
};

/**
 * The address at `index` of `block`. Blocks are at most 4096 addresses and
 * aligned, so only the last IPv6 hextet depends on the index.
 */
export const addressAt = (block: Cidr, index: number): Ip => {
  if (familyOf(block) === 4) return v4Text(v4Number(cidrAddress(block)) + index);
  const bytes = ipaddr.IPv6.parse(cidrAddress(block)).toByteArray();
  const h = Array.from({ length: 8 }, (_, i) => bytes[2 * i]! * 256 + bytes[2 * i + 1]!);
  h[7] = h[7]! + index;
  return v6Text(h);
};

/** Every address of the block, in order (one parse, then numbers). */
export const blockAddresses = (block: Cidr): Ip[] => {
  const n = blockCapacity(block);
  if (familyOf(block) === 4) {
    const first = v4Number(cidrAddress(block));
    return Array.from({ length: n }, (_, i) => v4Text(first + i));
  }
  const bytes = ipaddr.IPv6.parse(cidrAddress(block)).toByteArray();
  const h = Array.from({ length: 8 }, (_, i) => bytes[2 * i]! * 256 + bytes[2 * i + 1]!);
  const base = h[7]!;
  return Array.from({ length: n }, (_, i) => {
    h[7] = base + i;
    return v6Text(h);
  });
};

/** Where `ip` sits in `block` (the caller knows it is inside). */
export const indexIn = (block: Cidr, ip: Ip): number =>
  familyOf(block) === 4 ? v4Number(ip) - v4Number(cidrAddress(block)) : Number(ipToBigint(ip) - ipToBigint(cidrAddress(block)));

// The allocation bitmap: one character per address, '1' when IPAM handed it
// out. A string is an immutable value (checkpoints and hashes take it as it
// is) and indexOf finds the lowest candidate natively.

export const emptyBitmap = (block: Cidr): string => '0'.repeat(blockCapacity(block));

export const setBit = (bitmap: string, index: number, on: boolean): string =>
  `${bitmap.slice(0, index)}${on ? '1' : '0'}${bitmap.slice(index + 1)}`;
