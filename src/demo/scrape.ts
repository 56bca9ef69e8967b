// Reads an agent's Prometheus metrics from inside its host namespace (the
// agent listens on that namespace's loopback), with node's own fetch so the
// demo needs no curl, and parses the exposition into `series → value`.
import { inNetnsOk } from './exec';

/** `name{labels}` (exactly as exposed) → value, for every sample line. */
export function parseExposition(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const i = line.lastIndexOf(' ');
    out.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return out;
}

/** The value of the first series whose name (before any `{`) is `name`. */
export const metric = (m: Map<string, number>, name: string, labelPart = ''): number | undefined => {
  for (const [series, value] of m) if ((series === name || series.startsWith(`${name}{`)) && series.includes(labelPart)) return value;
  return undefined;
};

export async function scrapeMetrics(netns: string, port: number): Promise<Map<string, number>> {
  const script = `fetch('http://127.0.0.1:${port}/metrics').then(r=>r.text()).then(t=>process.stdout.write(t))`;
  return parseExposition(await inNetnsOk(netns, process.execPath, ['-e', script]));
}
