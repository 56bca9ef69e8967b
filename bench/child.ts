// One measurement in a process of its own (fresh heap, its own peak RSS),
// started by main.ts: `node dist/bench/child.js <task> <json arguments>`.
// It prints its figures as one JSON line after a marker; main.ts reads it.
import { measureCompiler } from './measure-compiler';
import { measureDensity } from './measure-density';
import { measureKernel } from './measure-kernel';
import { measureReplay } from './measure-replay';
import { measureSetElement } from './measure-set-element';
import { measureAgentRss } from './measure-rss';

export const RESULT_MARKER = 'FOLDNET-BENCH-RESULT ';

const tasks: Record<string, (a: any) => Promise<unknown> | unknown> = {
  replay: (a: { path: string; events: number }) => measureReplay(a.path, a.events),
  compiler: (a: { endpoints: number; repeats: number }) => measureCompiler(a.endpoints, a.repeats),
  kernel: (a: { endpoints: number; samples: number }) => measureKernel(a.endpoints, a.samples),
  'set-element': (a: { sizes: number[]; samples: number }) => measureSetElement(a.sizes, a.samples),
  density: (a: { endpoints: number; perHost: number[]; samples: number }) => measureDensity(a.endpoints, a.perHost, a.samples),
  // Loaded only when asked: the demo cluster pulls in the CLI and the agent.
  latency: async (a: { changes: number }) =>
    (await import('../src/demo/latency')).measureLatency(a.changes, (line) => void process.stderr.write(`  ${line}\n`)),
  rss: (a: { path: string; clusterEvents: number; followEvents: number }) => measureAgentRss(a.path, a.clusterEvents, a.followEvents),
};

async function main(): Promise<void> {
  const [task, args] = process.argv.slice(2);
  const run = tasks[task ?? ''];
  if (run === undefined) throw new Error(`unknown task ${task}; known: ${Object.keys(tasks).join(', ')}`);
  const result = await run(JSON.parse(args ?? '{}'));
  process.stdout.write(`${RESULT_MARKER}${JSON.stringify(result)}\n`);
}

if (require.main === module)
  main().then(
    () => process.exit(0),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(1);
    },
  );
