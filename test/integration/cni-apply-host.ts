// One-shot applier for integration tests: folds the log, compiles one host's
// snapshot and makes the kernel of the network namespace it runs in equal to
// it (routes, nftables, sysctls, BIRD's config file), as the host agent would.
// Run inside the host's namespace:
//   ip netns exec NS node cni-apply-host.js LOG_URL HOST BIRD_CONF
// Prints the applier's result as JSON; exits 1 when it did not apply.
import * as E from 'fp-ts/Either';
import { compileHost } from '../../compiler/compile/host';
import { foldAll } from '../../compiler/fold/fold';
import type { LoggedEvent } from '../../compiler/events/event';
import { Applier } from '../../src/applier';
import { openLog } from '../../src/log/open-log';

async function main(): Promise<void> {
  const [url, host, birdConfigPath] = process.argv.slice(2);
  if (!url || !host || !birdConfigPath) throw new Error('usage: cni-apply-host LOG_URL HOST BIRD_CONF');
  const log = openLog(url);
  const events: LoggedEvent[] = [];
  for await (const e of log.read(0)) events.push(e);
  await log.close();
  const state = foldAll(events);
  if (E.isLeft(state)) throw new Error('log out of order');
  const snap = compileHost(state.right, host);
  if (E.isLeft(snap)) throw new Error(`unknown host ${host}`);
  const r = await new Applier({ birdConfigPath }).sync(snap.right);
  process.stdout.write(`${JSON.stringify({ ok: r.result.ok, result: r.result })}\n`);
  process.exitCode = r.result.ok ? 0 : 1;
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
