// Runs an operation again while it fails with an error the caller calls
// retriable, waiting a little longer (with jitter) each time, up to a fixed
// number of attempts; then the last error goes to the caller. Which errors are
// retriable, and what the operation does, are the caller's business.
import { setTimeout as sleep } from 'node:timers/promises';

export interface RetryPolicy {
  /** Attempts in all, the first included (≥ 1). */
  readonly attempts: number;
  /** Wait before the second attempt; doubles each time. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export async function retrying<T>(
  policy: RetryPolicy,
  isRetriable: (error: unknown) => boolean,
  operation: () => T | Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (attempt >= policy.attempts || !isRetriable(error)) throw error;
      const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      // Full jitter: writers that collided once should not collide again in step.
      await sleep(Math.random() * ceiling);
    }
  }
}
