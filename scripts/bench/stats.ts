import { performance } from 'node:perf_hooks';

/** Median wall time (ms) of `fn` over `repeats` runs after `warmup` untimed runs. */
export function medianMs(fn: () => void, repeats: number, warmup = 3): { median: number; min: number; max: number } {
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)], min: times[0], max: times[times.length - 1] };
}
