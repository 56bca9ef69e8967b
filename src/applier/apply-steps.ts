// The four steps of applying a plan, each an all-or-report unit that says
// what went wrong: the nft transaction (atomic: the kernel takes all of it or
// none), routes (one `ip -batch` per family; deleting a route already gone is
// not an error), sysctls (every write attempted, failures listed), BIRD
// (checked with `bird -p` before it replaces the config, then `birdc
// configure`). Sequencing them is apply-plan.ts's job.
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import type { RouteModel, SysctlModel } from '../../compiler/compile/snapshot';
import { familyOf } from '../../compiler/net/ip';
import { routeCommand } from '../../compiler/plan/routes-plan';
import type { ApplierOptions, Resolved } from './options';
import { sysctlPath } from './sysctl-path';

/** undefined on success, else why the step failed. */
export type StepOutcome = string | undefined;

const unique = (): string => `${process.pid}-${randomBytes(6).toString('hex')}`;

export async function applyNft(io: Resolved, transaction: readonly unknown[]): Promise<StepOutcome> {
  // nft 1.0.6 cannot read JSON from a pipe (it opens /dev/stdin): write a file.
  const file = join(io.tmpDir, `foldnet-nft-${unique()}.json`);
  await io.files.write(file, JSON.stringify({ nftables: transaction }));
  try {
    const r = await io.run('nft', ['-j', '-f', file]);
    return r.status === 0 ? undefined : `nft -j -f refused the transaction (exit ${r.status}): ${r.stderr.trim() || r.stdout.trim()}`;
  } finally {
    await io.files.remove(file);
  }
}

/** `ip -force -batch` reports each failure as its message lines followed by `Command failed -:N`. */
export const batchFailures = (stderr: string): Array<{ line: number; message: string }> => {
  const out: Array<{ line: number; message: string }> = [];
  let pending: string[] = [];
  for (const l of stderr.split('\n')) {
    const m = /^Command failed -:(\d+)\s*$/.exec(l);
    if (m) {
      out.push({ line: Number(m[1]), message: pending.join(' ').trim() });
      pending = [];
    } else if (l.trim() !== '') pending.push(l.trim());
  }
  return out;
};

export async function applyRoutes(io: Resolved, routes: { readonly add: readonly RouteModel[]; readonly remove: readonly RouteModel[] }): Promise<StepOutcome> {
  const problems: string[] = [];
  for (const family of [4, 6] as const) {
    // Removals first: a route that moved to another device is removed, then added.
    const lines = [
      ...routes.remove.filter((r) => familyOf(r.dst) === family).map((r) => routeCommand('del', r)),
      ...routes.add.filter((r) => familyOf(r.dst) === family).map((r) => routeCommand('replace', r)),
    ];
    if (lines.length === 0) continue;
    const r = await io.run('ip', [`-${family}`, '-force', '-batch', '-'], { input: `${lines.join('\n')}\n` });
    if (r.status === 0) continue;
    const failures = batchFailures(r.stderr);
    if (failures.length === 0) problems.push(`ip -${family} -batch failed (exit ${r.status}): ${r.stderr.trim()}`);
    for (const f of failures) {
      const line = lines[f.line - 1] ?? `line ${f.line}`;
      const alreadyGone = line.startsWith('route del ') && /No such process/.test(f.message);
      if (!alreadyGone) problems.push(`ip ${line}: ${f.message}`);
    }
  }
  return problems.length === 0 ? undefined : problems.join('; ');
}

export async function applySysctls(io: Resolved, sysctls: readonly SysctlModel[]): Promise<StepOutcome> {
  const problems: string[] = [];
  for (const s of sysctls) {
    const path = sysctlPath(s.key, io.sysctlRoot);
    try {
      if (!(await io.files.exists(path))) {
        problems.push(`${s.key}: no such setting (${path}; does the interface exist?)`);
        continue;
      }
      await io.files.write(path, `${s.value}\n`);
    } catch (e) {
      problems.push(`${s.key}=${s.value}: ${(e as Error).message}`);
    }
  }
  return problems.length === 0 ? undefined : problems.join('; ');
}

export async function applyBird(io: Resolved, options: ApplierOptions, config: string): Promise<StepOutcome> {
  const target = options.birdConfigPath;
  // Next to the config, so the rename that installs it is atomic.
  const tmp = join(dirname(target), `.${basename(target)}.foldnet-${unique()}.tmp`);
  await io.files.write(tmp, config);
  const check = await io.run('bird', ['-p', '-c', tmp]);
  if (check.status !== 0) {
    await io.files.remove(tmp);
    return `bird -p rejected the config (exit ${check.status}): ${(check.stderr + check.stdout).trim()}`;
  }
  await io.files.rename(tmp, target);
  if (options.birdSocket === undefined || !(await io.files.exists(options.birdSocket))) return undefined;
  const r = await io.run('birdc', ['-s', options.birdSocket, 'configure']);
  const said = `${r.stdout}${r.stderr}`.trim();
  if (r.status !== 0 || !/Reconfigur/.test(said)) return `birdc configure failed (exit ${r.status}): ${said}`;
  return undefined;
}
