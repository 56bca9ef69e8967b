// Output formats shared by commands: aligned text tables (kubectl's layout:
// upper-case headers, columns three spaces apart), a JSON array, and YAML as
// a stream of documents separated by `---` (YAML 1.2, what `apply -f` reads
// back). Choosing what goes in them is the commands' job.
import { Option } from 'commander';
import YAML from 'yaml';

export type OutputFormat = 'table' | 'yaml' | 'json';

export const outputOption = (formats: readonly OutputFormat[] = ['table', 'yaml', 'json']): Option =>
  new Option('-o, --output <format>', 'output format').choices(formats).default('table');

export const NONE = '<none>';

/** Rows under a header, each column as wide as its widest cell; no trailing spaces. */
export const renderTable = (header: readonly string[], rows: ReadonlyArray<readonly string[]>): string => {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('   ')
      .trimEnd();
  return [header, ...rows].map(line).join('\n') + '\n';
};

export const renderJson = (values: readonly unknown[]): string => `${JSON.stringify(values, null, 2)}\n`;

export const renderYaml = (values: readonly unknown[]): string =>
  values.map((v) => YAML.stringify(v, { lineWidth: 0, aliasDuplicateObjects: false })).join('---\n');
