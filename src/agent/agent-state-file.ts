// What an agent remembers across restarts: the log offset it last applied and
// the hash of the snapshot it made the kernel equal to, in
// DIR/agent-state.json. Written atomically (temp file, fsync, rename), so a
// crash leaves the old or the new state, never half of one. What the numbers
// mean, and when to write them, is the agent's business.
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

export interface AgentState {
  /** Events 0..offset-1 were folded into the snapshot last applied. */
  readonly offset: number;
  /** snapshotHash of that snapshot. */
  readonly hash: string;
  /** When it was applied (RFC 3339), for people reading the file. */
  readonly appliedAt: string;
}

export const AGENT_STATE_FILE = 'agent-state.json';

const isAgentState = (v: unknown): v is AgentState => {
  if (v === null || typeof v !== 'object') return false;
  const o = v as Record<string, unknown>;
  return Number.isSafeInteger(o.offset) && (o.offset as number) >= 0 && typeof o.hash === 'string' && typeof o.appliedAt === 'string';
};

/** The state saved in `dir`; undefined when there is none. A file that is not an agent state is an error, not a fresh start. */
export async function readAgentState(dir: string): Promise<AgentState | undefined> {
  let text: string;
  try {
    text = await readFile(join(dir, AGENT_STATE_FILE), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  const v: unknown = JSON.parse(text);
  if (!isAgentState(v)) throw new Error(`${join(dir, AGENT_STATE_FILE)} is not an agent state: ${text.slice(0, 200)}`);
  return { offset: v.offset, hash: v.hash, appliedAt: v.appliedAt };
}

/** Replaces the state in `dir` (created when missing) atomically and durably. */
export async function writeAgentState(dir: string, state: AgentState): Promise<void> {
  await mkdir(dir, { recursive: true });
  const final = join(dir, AGENT_STATE_FILE);
  const temp = `${final}.${process.pid}.tmp`;
  const body = `${JSON.stringify({ offset: state.offset, hash: state.hash, appliedAt: state.appliedAt }, null, 2)}\n`;
  const file = await open(temp, 'w', 0o644);
  try {
    await file.writeFile(body, 'utf8');
    await file.sync();
  } finally {
    await file.close();
  }
  try {
    await rename(temp, final);
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
  // The rename itself must reach the disk too: fsync the directory.
  const d = await open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}
