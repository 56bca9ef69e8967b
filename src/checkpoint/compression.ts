// Checkpoint bodies on disk: deflated JSON. A state is mostly repeated keys
// and resource documents, so deflate at its fastest level shrinks it several
// times for little CPU. The checkpoint's address is the sha256 of the text
// before compression, so the stored form can change without renaming anything.
import { deflateRawSync, inflateRawSync } from 'node:zlib';

export type BodyEncoding = 'deflate' | 'identity';

export const STORED_ENCODING: BodyEncoding = 'deflate';

export const packBody = (text: string, encoding: BodyEncoding = STORED_ENCODING): Buffer =>
  encoding === 'deflate' ? deflateRawSync(Buffer.from(text, 'utf8'), { level: 1 }) : Buffer.from(text, 'utf8');

/** The text, or undefined when the bytes do not unpack (a corrupted body). */
export const unpackBody = (bytes: Buffer, encoding: string): string | undefined => {
  try {
    if (encoding === 'identity') return bytes.toString('utf8');
    if (encoding === 'deflate') return inflateRawSync(bytes).toString('utf8');
    return undefined;
  } catch {
    return undefined;
  }
};
