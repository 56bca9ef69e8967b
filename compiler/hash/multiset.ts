// A hash of a multiset of strings that can be updated by what came and went:
// the sum, lane by lane modulo 2^32, of each member's 128-bit hash (four
// 32-bit lanes from two seeded passes of a multiply-xorshift mix). Order
// does not matter and a member removed subtracts exactly what it added, so a
// set of 100,000 elements that gains one is rehashed by one. Not
// cryptographic: it tells snapshots apart, it does not defend against anyone
// crafting elements to collide (nobody writes set elements but the compiler).

export type Lanes = Uint32Array;

export const emptyLanes = (): Lanes => new Uint32Array(4);

const pass = (text: string, seed: number, lanes: Lanes, at: number, sign: 1 | -1): void => {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  // A Uint32Array keeps each lane modulo 2^32, negative sums included.
  lanes[at] = lanes[at]! + sign * (h1 >>> 0);
  lanes[at + 1] = lanes[at + 1]! + sign * (h2 >>> 0);
};

/** Adds (sign 1) or removes (sign -1) one member, in place. */
export const addMember = (lanes: Lanes, member: string, sign: 1 | -1): void => {
  pass(member, 0x9e3779b9, lanes, 0, sign);
  pass(member, 0x85ebca6b, lanes, 2, sign);
};

export const lanesHex = (lanes: Lanes): string => Array.from(lanes, (x) => x.toString(16).padStart(8, '0')).join('');
