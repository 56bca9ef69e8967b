// Small statistics for the benchmark's samples, and a timer.
import { performance } from 'node:perf_hooks';

export const quantile = (xs: readonly number[], q: number): number => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
};
export const median = (xs: readonly number[]): number => quantile(xs, 0.5);

/** Milliseconds `f` took, and what it returned. */
export const timed = <T>(f: () => T): { ms: number; value: T } => {
  const t = performance.now();
  const value = f();
  return { ms: performance.now() - t, value };
};

export const timedAsync = async <T>(f: () => Promise<T>): Promise<{ ms: number; value: T }> => {
  const t = performance.now();
  const value = await f();
  return { ms: performance.now() - t, value };
};

/**
 * Collects the garbage earlier phases left (building the cluster, say), so a
 * timed region pays only for its own: children run with --expose-gc
 * (main.ts); without it this does nothing.
 */
export const settle = (): void => (globalThis as { gc?: () => void }).gc?.();

export const round = (x: number, digits = 1): number => Math.round(x * 10 ** digits) / 10 ** digits;
