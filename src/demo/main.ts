// `npm run demo`: the seed demo of the 2015 "Calico on CoreOS" talk on real
// kernels. Brings up two hosts and five workloads as network namespaces, a
// foldnet agent and BIRD per host, waits for BGP and routes, then prints the
// reachability measured with real packets beside `foldnet reachability`'s
// prediction; applies the policy change that opens A → C on TCP 80, waits for
// the kernels, and prints both again for TCP 80 and 443. Tears everything
// down at the end, on error and on Ctrl-C. Exit 0 when every measurement
// agreed with the prediction, 1 when one did not, 2 when it could not run.
//   node dist/src/demo/main.js [--verbose]
import { join } from 'node:path';
import { type DemoCluster } from './cluster';
import { exec } from './exec';
import { compareMatrices, type Matrix, renderSideBySide } from './matrix';
import { REPO } from './node-entry';
import { runSeedDemo } from './seed-demo';

const bold = (s: string): string => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
/** Set on Ctrl-C: what the scenario prints while teardown pulls things from under it is noise. */
let quiet = false;
const say = (s: string): void => void (quiet || process.stdout.write(`${s}\n`));
const heading = (s: string): void => say(`\n${bold(`== ${s}`)}`);

async function missingTools(): Promise<string[]> {
  const missing: string[] = [];
  if (process.getuid?.() !== 0) missing.push('root (network namespaces)');
  for (const [cmd, arg] of [['ip', '-V'], ['nft', '--version'], ['bird', '--version'], ['birdc', '--version'], ['ping', '-V']] as const) {
    const r = await exec(cmd, [arg]).catch(() => undefined);
    if (r === undefined) missing.push(cmd);
  }
  return missing;
}

async function main(argv: readonly string[]): Promise<number> {
  const missing = await missingTools();
  if (missing.length > 0) {
    process.stderr.write(`Error: the demo needs ${missing.join(', ')}\n`);
    return 2;
  }
  const verbose = argv.includes('--verbose');
  let cluster: DemoCluster | undefined;
  let interrupted: Promise<never> | undefined;
  // The scenario may fail on its own once teardown pulls things from under it;
  // whichever ends first, the process exits only when teardown is done.
  const onSignal = (sig: NodeJS.Signals): void => {
    if (interrupted) return;
    quiet = true;
    process.stderr.write(`\n${sig}: tearing down…\n`);
    interrupted = (cluster?.down() ?? Promise.resolve([])).then((problems) => {
      for (const p of problems) process.stderr.write(`cleanup: ${p}\n`);
      process.exit(130);
    });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let allAgree = true;
  const show = (title: string, measured: Matrix, predicted: Matrix): void => {
    heading(title);
    if (!quiet) process.stdout.write(renderSideBySide(measured, predicted));
    if (compareMatrices(measured, predicted).mismatches.length > 0) allAgree = false;
  };
  try {
    await runSeedDemo({
      fixture: join(REPO, 'fixtures', 'seed-demo.yaml'),
      change: join(REPO, 'fixtures', 'seed-demo-open-a-to-c.yaml'),
      heading,
      say,
      show,
      verbose,
      onCluster: (c) => (cluster = c),
    });
  } catch (e) {
    if (interrupted) return interrupted;
    process.stderr.write(`Error: ${e instanceof Error ? e.message : String(e)}\n`);
    allAgree = false;
    if (cluster === undefined) return 2;
  } finally {
    if (interrupted) await interrupted;
    if (cluster) {
      heading('tearing down');
      const problems = await cluster.down();
      for (const p of problems) process.stderr.write(`cleanup: ${p}\n`);
      say(problems.length === 0 ? 'agents, BIRDs, workloads, namespaces and files removed' : 'cleanup left something behind (above)');
    }
  }
  return allAgree ? 0 : 1;
}

if (require.main === module) void main(process.argv.slice(2)).then((code) => process.exit(code));
