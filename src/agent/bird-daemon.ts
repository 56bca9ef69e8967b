// BIRD for one host: each agent runs its own BIRD with its own config, control
// socket and pid file under one directory, so several agents can run side by
// side in network namespaces. BIRD is left running when the agent exits or
// dies (Calico's felix/bird split): routes stay in the kernel and BGP
// sessions stay up while the agent restarts, and the next agent reuses the
// BIRD whose pid file names a live `bird` serving this socket. Writing the
// config and reconfiguring BIRD is the applier's job; this only starts,
// finds and stops the daemon.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface BirdPaths {
  readonly config: string;
  readonly socket: string;
  readonly pid: string;
}

export const birdPaths = (dir: string): BirdPaths => ({
  config: join(dir, 'bird.conf'),
  socket: join(dir, 'bird.ctl'),
  pid: join(dir, 'bird.pid'),
});

export type BirdStatus = { readonly state: 'reused' | 'started'; readonly pid: number };

/** The pid of the BIRD serving `paths.socket`, if its pid file names a live one. */
export async function runningBird(paths: BirdPaths): Promise<number | undefined> {
  let pid: number;
  try {
    pid = Number((await readFile(paths.pid, 'utf8')).trim());
  } catch {
    return undefined;
  }
  if (!Number.isSafeInteger(pid) || pid <= 1) return undefined;
  try {
    // A stale pid file may name a pid reused by anything: make sure it is our BIRD.
    const comm = (await readFile(`/proc/${pid}/comm`, 'utf8')).trim();
    const argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
    return comm === 'bird' && argv.includes(paths.socket) ? pid : undefined;
  } catch {
    return undefined;
  }
}

const run = (cmd: string, args: readonly string[]): Promise<{ code: number | null; stderr: string }> =>
  new Promise((resolve, reject) => {
    // Detached with no stdio: the daemon must not share the agent's process group or pipes.
    const child = spawn(cmd, [...args], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });

/** Reuses the BIRD already serving `paths`, or starts one (its config file must exist). */
export async function ensureBird(paths: BirdPaths, birdBinary = 'bird'): Promise<BirdStatus> {
  const alive = await runningBird(paths);
  if (alive !== undefined) return { state: 'reused', pid: alive };
  // `bird` parses the config, forks the daemon (which writes the pid file) and exits 0.
  const r = await run(birdBinary, ['-c', paths.config, '-s', paths.socket, '-P', paths.pid]);
  if (r.code !== 0) throw new Error(`${birdBinary} -c ${paths.config} exited with ${r.code}: ${r.stderr.trim()}`);
  for (let i = 0; i < 100; i++) {
    const pid = await runningBird(paths);
    if (pid !== undefined) return { state: 'started', pid };
    await new Promise((r2) => setTimeout(r2, 20));
  }
  throw new Error(`bird started but ${paths.pid} names no running bird`);
}

/** Stops the BIRD serving `paths` (SIGTERM, then SIGKILL after `graceMs`); nothing when none runs. */
export async function stopBird(paths: BirdPaths, graceMs = 3000): Promise<boolean> {
  const pid = await runningBird(paths);
  if (pid === undefined) return false;
  // Not `kill(pid, 0)`: a killed BIRD nobody reaped yet is a zombie, which runningBird no longer counts.
  const gone = async (): Promise<boolean> => (await runningBird(paths)) !== pid;
  const waitGone = async (): Promise<void> => {
    for (let waited = 0; waited < graceMs && !(await gone()); waited += 20) await new Promise((r) => setTimeout(r, 20));
  };
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return true;
  }
  await waitGone();
  if (!(await gone())) {
    process.kill(pid, 'SIGKILL');
    await waitGone();
  }
  return true;
}
