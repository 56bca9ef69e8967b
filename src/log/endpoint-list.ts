// The `HOST:PORT[,HOST:PORT…]` part of kafka:// and etcd:// URLs: split,
// checked, IPv6 literals in brackets. What the endpoints are for is the
// backend's business.
import { LogError } from './event-log';

export interface Endpoint {
  /** As written, brackets kept for IPv6: `[::1]`. */
  readonly host: string;
  readonly port: number;
}

export function parseEndpoints(text: string, url: string): Endpoint[] {
  const parts = text.split(',').map((s) => s.trim());
  return parts.map((part) => {
    const m = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+):(\d{1,5})$/.exec(part);
    const port = m === null ? NaN : Number(m[2]);
    if (m === null || !(port >= 1 && port <= 65535)) {
      throw new LogError('unsupported-url', `log URL ${url}: expected HOST:PORT, got ${JSON.stringify(part)}`);
    }
    return { host: m[1]!, port };
  });
}

export const showEndpoint = (e: Endpoint): string => `${e.host}:${e.port}`;

/** A non-negative integer query parameter, or undefined when absent. */
export function intParam(params: URLSearchParams, name: string, url: string, min: number): number | undefined {
  const v = params.get(name);
  if (v === null) return undefined;
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < min) {
    throw new LogError('unsupported-url', `log URL ${url}: ${name} must be an integer ≥ ${min}, got ${JSON.stringify(v)}`);
  }
  return n;
}

/** Throws unless every query parameter is one of `known`. */
export function onlyParams(params: URLSearchParams, known: readonly string[], url: string): void {
  for (const name of params.keys()) {
    if (!known.includes(name)) {
      throw new LogError('unsupported-url', `log URL ${url}: unknown parameter ${JSON.stringify(name)} (known: ${known.join(', ')})`);
    }
  }
}

/** A boolean query parameter (`1`/`true`/`0`/`false`), or undefined. */
export function boolParam(params: URLSearchParams, name: string, url: string): boolean | undefined {
  const v = params.get(name);
  if (v === null) return undefined;
  if (v === '1' || v === 'true') return true;
  if (v === '0' || v === 'false') return false;
  throw new LogError('unsupported-url', `log URL ${url}: ${name} must be 1, true, 0 or false, got ${JSON.stringify(v)}`);
}
