// Structured log lines for the agent: one JSON object per line on a sink
// (stdout in production), with `ts`, `level` and `msg` first and any fields
// after (offset, planSize, applyMs, error, ...). Where lines go and what the
// clock says are injected, so tests read what was logged.
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

/** Errors become their message (and code, when they have one): a stack in a log line helps nobody grep. */
const plain = (v: unknown): unknown => {
  if (v instanceof Error) {
    const code = (v as { code?: unknown }).code;
    return code === undefined ? v.message : `${String(code)}: ${v.message}`;
  }
  return v;
};

export function jsonLogger(write: (line: string) => void, now: () => Date = () => new Date(), minLevel: LogLevel = 'info'): Logger {
  const order: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };
  const emit = (level: LogLevel) => (msg: string, fields: LogFields = {}): void => {
    if (order[level] < order[minLevel]) return;
    const record: Record<string, unknown> = { ts: now().toISOString(), level, msg };
    for (const [k, v] of Object.entries(fields)) if (v !== undefined && !(k in record)) record[k] = plain(v);
    write(`${JSON.stringify(record)}\n`);
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

/** Drops everything (for code paths whose callers do not care). */
export const silentLogger: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
