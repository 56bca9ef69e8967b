// Waiting that gives up when a signal fires: a sleep, and a promise raced
// against one or more signals. Tails use them so that an abort or a close
// ends the iteration at once instead of after the current long-poll.
export const ABORTED: unique symbol = Symbol('aborted');

/** `p`'s value, or ABORTED as soon as any signal fires (p's later failure is ignored). */
export function unlessAborted<T>(p: Promise<T>, ...signals: AbortSignal[]): Promise<T | typeof ABORTED> {
  if (signals.some((s) => s.aborted)) {
    p.catch(() => undefined);
    return Promise.resolve(ABORTED);
  }
  return new Promise<T | typeof ABORTED>((resolve, reject) => {
    const done = (): void => {
      for (const s of signals) s.removeEventListener('abort', onAbort);
    };
    const onAbort = (): void => {
      done();
      resolve(ABORTED);
    };
    for (const s of signals) s.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        done();
        resolve(v);
      },
      (e: unknown) => {
        done();
        reject(e);
      },
    );
  });
}

/** Sleeps `ms`, or less when a signal fires first; never rejects. */
export function sleepUnless(ms: number, ...signals: AbortSignal[]): Promise<void> {
  if (signals.some((s) => s.aborted)) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      for (const s of signals) s.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    for (const s of signals) s.addEventListener('abort', done, { once: true });
  });
}

/** The wait before attempt `n + 1` (n ≥ 1): doubling from `base`, capped, with full jitter. */
export const backoffMs = (n: number, base: number, cap: number): number =>
  Math.random() * Math.min(cap, base * 2 ** Math.min(30, n - 1));
