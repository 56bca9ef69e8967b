// The argv that runs one of foldnet's own entry points (the CLI, the demo's
// workload process) in a separate node process: from dist/ when this code
// was compiled, from the TypeScript sources under tsx when it runs as .ts
// (tests during development). Spawning them is the callers' job.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const fromSource = __filename.endsWith('.ts');

/** The repository root (the directory holding package.json). */
export const REPO = resolve(__dirname, fromSource ? '../..' : '../../..');

/** `node` arguments running `src/<relative>` (without extension), e.g. `cli/main`. */
export function nodeEntry(relative: string): string[] {
  if (fromSource) return ['--import', pathToFileURL(require.resolve('tsx')).href, join(REPO, 'src', `${relative}.ts`)];
  const file = join(REPO, 'dist', 'src', `${relative}.js`);
  if (!existsSync(file)) throw new Error(`${file} is missing: run npm run build`);
  return [file];
}
