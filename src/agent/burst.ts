// Batching: once one event has arrived, take whatever else is already in the
// log (up to its head) before compiling, waiting at most `batchMs` for the
// rest of a burst to be read, so that N events appended together cost one
// compile and one apply instead of N. Never waits when nothing more exists.

export interface BurstSource<E extends { readonly offset: number }> {
  waitForEvents(ms: number): Promise<boolean>;
  drain(): E[];
}

export interface BurstOptions {
  readonly head: () => Promise<number>;
  readonly batchMs: number;
  readonly now: () => number;
}

/**
 * Waits up to `firstWaitMs` for a first event; then collects until the head
 * read after the first event is reached or `batchMs` has passed. Resolves to
 * the events taken ([] when none came in time).
 */
export async function readBurst<E extends { readonly offset: number }>(source: BurstSource<E>, firstWaitMs: number, options: BurstOptions): Promise<E[]> {
  if (!(await source.waitForEvents(firstWaitMs))) return [];
  const deadline = options.now() + options.batchMs;
  const taken: E[] = source.drain();
  const head = await options.head();
  // Caught up once the offset after the last event taken reaches the head.
  while (taken.length > 0 && taken[taken.length - 1]!.offset + 1 < head) {
    const left = deadline - options.now();
    if (left <= 0 || !(await source.waitForEvents(left))) break;
    taken.push(...source.drain());
  }
  return taken;
}
