// Reads `-f` sources into documents, each tagged with where it came from:
// a file, a directory (its *.yaml, *.yml and *.json files, sorted by name,
// not recursive) or `-` for standard input. Files hold YAML or JSON, one or
// many documents (`---`), and a `kind: List` spreads into its items. Every
// problem is collected (unreadable file, malformed YAML with its line)
// rather than stopping at the first; deciding what a document means is
// left to decode-documents.ts.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';

export interface DocumentOrigin {
  /** The file as the user named it (or found in a directory), `<stdin>` for `-`. */
  readonly file: string;
  /** 1-based position of the document in its file. */
  readonly document: number;
  /** 1-based position inside a `kind: List`, when it came from one. */
  readonly item?: number;
}

export interface SourceDocument {
  readonly origin: DocumentOrigin;
  readonly value: unknown;
}

/** A problem with the input, where it is (for ordering) and the line to print. */
export interface InputProblem {
  readonly file: string;
  readonly document?: number;
  readonly item?: number;
  readonly text: string;
}

export interface ReadResult {
  readonly documents: SourceDocument[];
  readonly problems: InputProblem[];
  /** Every file read or tried, in order. */
  readonly files: string[];
}

export const STDIN_NAME = '<stdin>';
const EXTENSIONS = /\.(ya?ml|json)$/i;

/** `file: document 3`, `file: document 1, item 2`. */
export const originText = (o: DocumentOrigin): string => `${o.file}: document ${o.document}${o.item === undefined ? '' : `, item ${o.item}`}`;

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === 'object' && u !== null && !Array.isArray(u);

const fsProblem = (name: string, e: unknown): string => {
  const code = (e as { code?: string }).code;
  const why = code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : e instanceof Error ? e.message : String(e);
  return `${name}: ${why}`;
};

/** The first line of a yaml error, without the position (we print our own) or the code frame. */
const yamlMessage = (e: YAML.YAMLError): string => {
  const first = e.message.split('\n')[0] ?? e.message;
  return first.replace(/ at line \d+, column \d+:?$/, '');
};

/** Problems in the order of the input: by file read, then document, then item. */
export const inInputOrder = (problems: readonly InputProblem[], files: readonly string[]): string[] =>
  problems
    .map((p, i) => ({ p, i, f: files.indexOf(p.file) }))
    .sort((a, b) => a.f - b.f || (a.p.document ?? 0) - (b.p.document ?? 0) || (a.p.item ?? 0) - (b.p.item ?? 0) || a.i - b.i)
    .map((x) => x.p.text);

/** Splits one file's text into documents. */
export function parseDocuments(file: string, text: string): ReadResult {
  const documents: SourceDocument[] = [];
  const problems: InputProblem[] = [];
  YAML.parseAllDocuments(text, { prettyErrors: true }).forEach((doc, i) => {
    const document = i + 1;
    if (doc.errors.length > 0) {
      for (const e of doc.errors) {
        const pos = e.linePos?.[0];
        problems.push({ file, document, text: `${file}: document ${document}: ${pos ? `line ${pos.line}, column ${pos.col}: ` : ''}${yamlMessage(e)}` });
      }
      return;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
      problems.push({ file, document, text: `${file}: document ${document}: ${e instanceof Error ? e.message : String(e)}` });
      return;
    }
    // An empty document (a trailing `---`, a file of comments) holds nothing.
    if (value === null || value === undefined) return;
    if (isRecord(value) && value.kind === 'List' && (value.apiVersion === undefined || value.apiVersion === 'v1')) {
      if (!Array.isArray(value.items)) {
        const got = JSON.stringify(value.items) ?? 'nothing';
        problems.push({ file, document, text: `${file}: document ${document} (List): items: expected a list of resources, got ${got}` });
        return;
      }
      value.items.forEach((item, j) => documents.push({ origin: { file, document, item: j + 1 }, value: item }));
      return;
    }
    documents.push({ origin: { file, document }, value });
  });
  return { documents, problems, files: [file] };
}

const readFile = (file: string, text: () => string): ReadResult => {
  let content: string;
  try {
    content = text();
  } catch (e) {
    return { documents: [], problems: [{ file, text: fsProblem(file, e) }], files: [file] };
  }
  return parseDocuments(file, content);
};

/** Files a source names: itself, or a directory's resource files in name order. */
const filesOf = (source: string): { files: string[]; problems: InputProblem[] } => {
  try {
    if (!statSync(source).isDirectory()) return { files: [source], problems: [] };
    const names = readdirSync(source, { withFileTypes: true })
      .filter((d) => !d.isDirectory() && EXTENSIONS.test(d.name))
      .map((d) => d.name)
      .sort();
    return { files: names.map((n) => join(source, n)), problems: [] };
  } catch (e) {
    return { files: [], problems: [{ file: source, text: fsProblem(source, e) }] };
  }
};

/** Reads every source in order; `readStdin` is called once at most. */
export function readDocuments(sources: readonly string[], readStdin: () => string): ReadResult {
  const documents: SourceDocument[] = [];
  const problems: InputProblem[] = [];
  const files: string[] = [];
  const add = (r: ReadResult): void => {
    documents.push(...r.documents);
    problems.push(...r.problems);
    files.push(...r.files);
  };
  let stdinRead = false;
  for (const source of sources) {
    if (source === '-') {
      if (stdinRead) add({ documents: [], problems: [{ file: '-', text: '-: standard input can be read only once' }], files: ['-'] });
      else add(readFile(STDIN_NAME, readStdin));
      stdinRead = true;
      continue;
    }
    const found = filesOf(source);
    add({ documents: [], problems: found.problems, files: found.problems.length > 0 ? [source] : [] });
    for (const file of found.files) add(readFile(file, () => readFileSync(file, 'utf8')));
  }
  return { documents, problems, files };
}
