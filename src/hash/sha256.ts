// SHA-256 from the platform (OpenSSL through node:crypto) for the shell's
// snapshot hashes: the same digests as the compiler's pure implementation
// (test/src/hash/sha256.test.ts holds them equal), two to five times faster
// on an object's text and about ten on a run's digests (KBs), which counts
// where an agent hashes after every apply and `foldnet status` hashes every
// host.
import { createHash } from 'node:crypto';
import type { Sha256Hex } from '../../compiler/compile/snapshot-hash';

export const nodeSha256Hex: Sha256Hex = (text) => createHash('sha256').update(text, 'utf8').digest('hex');
