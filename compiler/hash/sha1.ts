// SHA-1 of a string's UTF-8 bytes, as lowercase hex: the same digest as
// @noble/hashes' sha1 over utf8ToBytes, computed straight from the string.
// Replay names every Pod's interface with it (model/from-k8s.ts), and for
// such short inputs the general hasher's setup (an encoder, byte buffers, a
// DataView, a hash object) costs more than the rounds themselves. Lone
// surrogates become U+FFFD, as TextEncoder makes them. Not for secrets: this
// names things, it does not authenticate them.

/** UTF-8 of `text` (lone surrogates as U+FFFD), as bytes in a plain array. */
const utf8 = (text: string): number[] => {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      out.push(c);
      continue;
    }
    if (c < 0x800) {
      out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        i++;
        out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
        continue;
      }
      c = 0xfffd;
    }
    out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return out;
};

const HEX_DIGITS = '0123456789abcdef';

/** Whether every code unit of `text` is ASCII, so that it is its own UTF-8. */
const isAscii = (text: string): boolean => {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 0x80) return false;
  return true;
};

/**
 * The digest of `bytes` (or of `text` itself, when it is ASCII and `bytes`
 * is undefined) as five 32-bit words. Plain arrays of numbers, not typed
 * arrays: replay hashes a name per Pod, and a typed array costs an
 * ArrayBuffer and more garbage than the hash itself.
 */
const digestWords = (text: string, bytes: readonly number[] | undefined): number[] => {
  const n = bytes === undefined ? text.length : bytes.length;
  const blocks = ((n + 8) >> 6) + 1;
  let h0 = 0x67452301;
  let h1 = 0xefcdab89 | 0;
  let h2 = 0x98badcfe | 0;
  let h3 = 0x10325476;
  let h4 = 0xc3d2e1f0 | 0;
  // The message schedule as a window of 16 words (W[t] depends on W[t-3], W[t-8], W[t-14], W[t-16]).
  const w: number[] = [0.5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]; // 0.5: unboxed doubles from the start
  for (let block = 0; block < blocks; block++) {
    const base = block * 64;
    for (let j = 0; j < 16; j++) {
      let word = 0;
      for (let i = base + j * 4, end = i + 4; i < end; i++) {
        const byte = i < n ? (bytes === undefined ? text.charCodeAt(i) : bytes[i]!) : i === n ? 0x80 : 0;
        word = (word << 8) | byte;
      }
      w[j] = word;
    }
    // The bit length closes the last block; messages here are far below 2^32 bits, so its high word stays 0.
    if (block === blocks - 1) w[15] = n * 8;
    let a = h0;
    let b = h1;
    let c = h2;
    let d = h3;
    let e = h4;
    for (let t = 0; t < 80; t++) {
      let x: number;
      if (t < 16) x = w[t]!;
      else {
        const y = w[(t - 3) & 15]! ^ w[(t - 8) & 15]! ^ w[(t - 14) & 15]! ^ w[t & 15]!;
        x = (y << 1) | (y >>> 31);
        w[t & 15] = x;
      }
      const f =
        t < 20 ? ((b & c) | (~b & d)) + 0x5a827999
        : t < 40 ? (b ^ c ^ d) + 0x6ed9eba1
        : t < 60 ? ((b & c) | (b & d) | (c & d)) + (0x8f1bbcdc | 0)
        : (b ^ c ^ d) + (0xca62c1d6 | 0);
      const tmp = (((a << 5) | (a >>> 27)) + f + e + x) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = tmp;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
  }
  return [h0, h1, h2, h3, h4];
};

export const sha1Hex = (text: string): string => {
  const words = digestWords(text, isAscii(text) ? undefined : utf8(text));
  const codes: number[] = [];
  for (const x of words) for (let shift = 28; shift >= 0; shift -= 4) codes.push(HEX_DIGITS.charCodeAt((x >>> shift) & 15));
  return String.fromCharCode(...codes);
};
