// The key layout of a foldnet log in etcd, all under the URL's PREFIX/:
//   events/<offset, 16 digits>            the event (JSON, event-record.ts); dense from 0
//   ids/<event id>                        its offset: duplicate ids are refused in the append transaction
//   head                                  {"next": N, "maxTime": T}: the next offset and the newest
//                                         event time so far, written in the same transaction
//   time/ordered/<time>/<offset>          events whose time is ≥ every earlier event's (times rise with offsets)
//   time/late/<time>/<offset>             the others (producer clocks disagreeing)
//   status/<host>, reported/<host>        the cluster status store (src/status/etcd-status.ts)
// Zero-padded offsets make etcd's byte order the offset order, so a page of
// events is one range read. Which operations use which keys is etcd-log.ts's.
export const OFFSET_DIGITS = 16; // Number.MAX_SAFE_INTEGER has 16 digits

export const pad = (offset: number): string => String(offset).padStart(OFFSET_DIGITS, '0');

export const HEAD_KEY = 'head';
export const eventKey = (offset: number): string => `events/${pad(offset)}`;
/** Sorts after every event key. */
export const EVENTS_END = 'events0';
export const idKey = (id: string): string => `ids/${id}`;
export const timeKey = (inOrder: boolean, time: string, offset: number): string =>
  `time/${inOrder ? 'ordered' : 'late'}/${time}/${pad(offset)}`;
/** Sorts after every time/KIND/<time>/… key whose time is `time` (times have one fixed length). */
export const afterTime = (kind: 'ordered' | 'late', time: string): string => `time/${kind}/${time}0`;
export const timeStart = (kind: 'ordered' | 'late'): string => `time/${kind}/`;
export const timeEnd = (kind: 'ordered' | 'late'): string => `time/${kind}0`;

/** The offset a full events/ or time/ key ends with, or NaN. */
export const offsetOfKey = (key: string): number => {
  const tail = key.slice(-OFFSET_DIGITS);
  return /^\d+$/.test(tail) ? Number(tail) : NaN;
};

export interface HeadRecord {
  readonly next: number;
  readonly maxTime: string;
}

export function parseHead(text: string | undefined): HeadRecord | undefined {
  if (text === undefined) return { next: 0, maxTime: '' };
  try {
    const v = JSON.parse(text) as Partial<HeadRecord>;
    if (Number.isSafeInteger(v.next) && (v.next as number) >= 0 && typeof v.maxTime === 'string') {
      return { next: v.next as number, maxTime: v.maxTime };
    }
  } catch {
    // not ours
  }
  return undefined;
}
