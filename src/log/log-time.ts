// Event times as the log stores and compares them: RFC 3339 in UTC with
// exactly three fractional digits (`2024-05-01T12:00:00.000Z`, what
// Date.prototype.toISOString writes). In that one form, text order is time
// order, which is what lets a plain text index answer time queries. Producers
// must write that form; callers asking about a time may use any RFC 3339 form,
// which is normalised here. Choosing the time of an event is the producer's job.
import { LogError } from './event-log';

/** The stored form of a caller's time argument; `invalid-argument` when it is none. */
export function timeArgument(value: string, what: string): string {
  const at = typeof value === 'string' ? canonicalTime(value) : undefined;
  if (at === undefined) throw new LogError('invalid-argument', `${what}: not an RFC 3339 time: ${JSON.stringify(value)}`);
  return at;
}

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/** True when `time` is already in the stored form and names a real instant. */
export const isCanonicalTime = (time: string): boolean =>
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(time) && canonicalTime(time) === time;

/**
 * The stored form of any RFC 3339 time, or undefined when `time` is not one.
 * Digits past milliseconds are dropped (rounding down), which is exact for
 * "≤ time" questions about events stored to the millisecond.
 */
export function canonicalTime(time: string): string | undefined {
  const m = RFC3339.exec(time);
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s, frac, z, sign, oh, om] = m;
  const num = (x: string | undefined): number => Number(x ?? '0');
  const ms = num(((frac ?? '') + '000').slice(0, 3));
  if (num(mo) < 1 || num(mo) > 12 || num(d) < 1 || num(h) > 23 || num(mi) > 59 || num(s) > 59) {
    return undefined;
  }
  if (z === undefined && (num(oh) > 23 || num(om) > 59)) return undefined;
  // setUTCFullYear, unlike Date.UTC, does not read years 0-99 as 19xx.
  const local = new Date(0);
  local.setUTCFullYear(num(y), num(mo) - 1, num(d));
  // A 31 April would roll over into May; a real date survives the round trip.
  if (local.getUTCMonth() !== num(mo) - 1 || local.getUTCDate() !== num(d)) return undefined;
  local.setUTCHours(num(h), num(mi), num(s), ms);
  const offsetMinutes = z !== undefined ? 0 : (sign === '-' ? -1 : 1) * (num(oh) * 60 + num(om));
  const date = new Date(local.getTime() - offsetMinutes * 60_000);
  const year = date.getUTCFullYear();
  // Years outside 0000-9999 would print as ±YYYYYY and break text ordering.
  if (year < 0 || year > 9999) return undefined;
  return date.toISOString();
}
