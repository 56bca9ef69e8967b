// The agent's own entry point: `node dist/src/agent/main.js agent --host H …`
// runs the same `agent` command as `foldnet agent`, on the same CLI context
// (log URL, exit codes, error reporting), for as long as the CLI's main.ts
// does not register it. Once it does, this file can go.
import { registerAgentCommand } from '../cli/agent-command';
import { reportError } from '../cli/cli-error';
import { buildProgram, processIo } from '../cli/main';

async function main(argv: readonly string[]): Promise<number> {
  const io = processIo();
  const { program, ctx } = buildProgram(io);
  if (!program.commands.some((c) => c.name() === 'agent')) registerAgentCommand(program, ctx);
  const debug = io.env.FOLDNET_DEBUG === '1';
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ctx.exitCode();
  } catch (e) {
    return reportError(e, io.stderr, debug);
  } finally {
    await ctx.close().catch((e: unknown) => reportError(e, io.stderr, debug));
  }
}

if (require.main === module) void main(process.argv.slice(2)).then((code) => (process.exitCode = code));
