// The incident tooling of the CLI, registered together: `diff` (a host's
// datapath between two points, and the events that changed it), `bisect`
// (the event after which a connection's verdict flipped), `what-if` (a change
// folded onto the head without appending it), `checkpoint` (fold checkpoints
// by hand) and `import-events` (append a recorded history). `--at` on the
// read commands and `log --touching` live with those commands. main.ts wires
// this in; each command is in its own incident-*.ts file.
import type { Command } from 'commander';
import type { CliContext } from './context';
import { registerBisectCommand } from './incident-bisect';
import { registerCheckpointCommand } from './incident-checkpoint';
import { registerDiffCommand } from './incident-diff';
import { registerImportEventsCommand } from './incident-import';
import { registerWhatIfCommand } from './incident-what-if';

export function registerIncidentCommands(program: Command, ctx: CliContext): void {
  registerDiffCommand(program, ctx);
  registerBisectCommand(program, ctx);
  registerWhatIfCommand(program, ctx);
  registerCheckpointCommand(program, ctx);
  registerImportEventsCommand(program, ctx);
}
