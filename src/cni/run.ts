// The composition root behind ADD, DEL and CHECK (VERSION never gets here:
// main.ts answers it without loading this): read the environment and the
// config, run the command, and hand back what to print.
import { cmdAdd } from './add';
import { cmdCheck } from './check';
import { parseNetConf } from './config';
import { cmdDel } from './del';
import { readCniEnv } from './env';

/** The JSON to print on success (nothing for DEL and CHECK). */
export async function runCommand(processEnv: NodeJS.ProcessEnv, stdin: string): Promise<Record<string, unknown> | undefined> {
  const env = readCniEnv(processEnv);
  const conf = parseNetConf(stdin);
  switch (env.command) {
    case 'ADD':
      return cmdAdd(env, conf);
    case 'DEL':
      await cmdDel(env, conf);
      return undefined;
    case 'CHECK':
      await cmdCheck(env, conf);
      return undefined;
    case 'VERSION':
      return undefined; // answered by main.ts
  }
}
