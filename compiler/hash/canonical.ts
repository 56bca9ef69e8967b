// Canonical bytes and their sha256: JSON with object keys sorted at every
// level, no whitespace. Map/Set insertion order, locale and platform never
// reach the output, so the same value hashes the same everywhere.
import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';

const sortKeys = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = sortKeys(x);
    }
    return out;
  }
  return v;
};

export const canonicalJson = (v: unknown): string => JSON.stringify(sortKeys(v));
export const sha256Hex = (text: string): string => bytesToHex(sha256(utf8ToBytes(text)));
export const hashOf = (v: unknown): string => sha256Hex(canonicalJson(v));
