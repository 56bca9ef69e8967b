// Bounded polling: wait for a condition by checking it again and again, never
// by sleeping a guessed time, and fail with a message saying what was awaited.
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface WaitOptions {
  readonly timeoutMs: number;
  readonly everyMs?: number;
  /** Says what was awaited, and what was last seen, when the time is up. */
  readonly what: string | (() => string);
}

/** Resolves with the first truthy value `check` returns; rejects after `timeoutMs`. A check that throws counts as not yet. */
export async function waitFor<T>(check: () => Promise<T | undefined | false>, o: WaitOptions): Promise<T> {
  const deadline = Date.now() + o.timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() >= deadline) {
      const what = typeof o.what === 'string' ? o.what : o.what();
      throw new Error(`timed out after ${o.timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${lastError instanceof Error ? lastError.message : String(lastError)})` : ''}`);
    }
    await sleep(o.everyMs ?? 50);
  }
}
