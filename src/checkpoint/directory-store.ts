// Checkpoints as files in a directory, for logs that have no file of their
// own to hold a table (Kafka, etcd): one file per checkpoint, named
//   <offset, 12 digits>.v<format version>.<sha256>.ckpt
// holding the deflated text, plus settings.json with the spacing. Files are
// written under a temporary name and renamed, so a reader never sees half a
// checkpoint; a file whose content does not hash to its name is refused by
// the caller's check like any corrupted checkpoint.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Checkpoint } from '../../compiler/checkpoint/checkpoint';
import { type CheckpointRef, type CheckpointStore, DEFAULT_CHECKPOINT_EVERY, type ListFilter } from './checkpoint-store';
import { packBody, STORED_ENCODING, unpackBody } from './compression';

const NAME = /^(\d{12})\.v(\d+)\.([0-9a-f]{64})\.ckpt$/;
const SETTINGS = 'settings.json';

const fileName = (offset: number, version: number, sha256: string): string => `${String(offset).padStart(12, '0')}.v${version}.${sha256}.ckpt`;

export class DirectoryCheckpointStore implements CheckpointStore {
  readonly where: string;

  constructor(private readonly dir: string) {
    this.where = dir;
  }

  private names(): string[] {
    try {
      return readdirSync(this.dir);
    } catch {
      return [];
    }
  }

  async list(filter: ListFilter = {}): Promise<CheckpointRef[]> {
    const refs: CheckpointRef[] = [];
    for (const name of this.names()) {
      const m = NAME.exec(name);
      if (m === null) continue;
      const ref = { offset: Number(m[1]), version: Number(m[2]), sha256: m[3]!, bytes: 0 };
      if (filter.atOrBefore !== undefined && ref.offset > filter.atOrBefore) continue;
      if (filter.version !== undefined && ref.version !== filter.version) continue;
      let bytes = 0;
      try {
        bytes = statSync(join(this.dir, name)).size;
      } catch {
        continue;
      }
      refs.push({ ...ref, bytes });
    }
    return refs.sort((a, b) => b.offset - a.offset || b.version - a.version);
  }

  async read(ref: CheckpointRef): Promise<Checkpoint | undefined> {
    let bytes: Buffer;
    try {
      bytes = readFileSync(join(this.dir, fileName(ref.offset, ref.version, ref.sha256)));
    } catch {
      return undefined;
    }
    return { sha256: ref.sha256, version: ref.version, offset: ref.offset, text: unpackBody(bytes, STORED_ENCODING) ?? '' };
  }

  async write(c: Checkpoint): Promise<boolean> {
    try {
      mkdirSync(this.dir, { recursive: true });
      const name = fileName(c.offset, c.version, c.sha256);
      const tmp = join(this.dir, `.${name}.${process.pid}.tmp`);
      writeFileSync(tmp, packBody(c.text));
      renameSync(tmp, join(this.dir, name));
      // One checkpoint per offset and version: older contents at the same offset go.
      for (const other of await this.list({ atOrBefore: c.offset, version: c.version }))
        if (other.offset === c.offset && other.sha256 !== c.sha256) await this.discard(other);
      return true;
    } catch {
      return false;
    }
  }

  async discard(ref: CheckpointRef): Promise<void> {
    rmSync(join(this.dir, fileName(ref.offset, ref.version, ref.sha256)), { force: true });
  }

  async every(): Promise<number> {
    try {
      const n = (JSON.parse(readFileSync(join(this.dir, SETTINGS), 'utf8')) as { every?: unknown }).every;
      return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : DEFAULT_CHECKPOINT_EVERY;
    } catch {
      return DEFAULT_CHECKPOINT_EVERY;
    }
  }

  async setEvery(n: number): Promise<void> {
    mkdirSync(this.dir, { recursive: true });
    const tmp = join(this.dir, `.${SETTINGS}.${process.pid}.tmp`);
    writeFileSync(tmp, `${JSON.stringify({ every: n })}\n`);
    renameSync(tmp, join(this.dir, SETTINGS));
  }

  async close(): Promise<void> {}
}
