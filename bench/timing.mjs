// Median seconds per call of fn over at least `iterations` calls (and at least `time` ms) after
// warm-up (tinybench, sync): the one timer of every benchmark file.
import { Bench } from 'tinybench';

export function seconds(fn, iterations, warmupIterations = 2, time = 0) {
  const bench = new Bench({ iterations, time, warmupIterations });
  bench.add('x', fn);
  bench.runSync();
  return bench.tasks[0].result.latency.p50 / 1000;
}

/**
 * Seconds per call of each function (sync or async), measured in interleaved rounds: each round
 * times `inner` calls of every function in turn, and each function's result is its median round.
 * On a machine shared with other work, interleaving exposes every contender to the same load, so
 * ratios between them stay meaningful even when absolute figures drift. `warmupMs` keeps calling
 * each function for that long first: WebAssembly starts in the engine's baseline tier and a
 * long-running function is swapped for its optimised code only on a later call, once the
 * background compile is done, so a few warm-up calls can leave the rounds timing baseline code.
 */
export async function interleaved(fns, { rounds = 7, inner = 1, warmup = 2, warmupMs = 0 } = {}) {
  const names = Object.keys(fns);
  for (const name of names) {
    const start = performance.now();
    for (let i = 0; i < warmup || performance.now() - start < warmupMs; i++) await fns[name]();
  }
  const times = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < rounds; r++) {
    for (const name of names) {
      const t = performance.now();
      for (let i = 0; i < inner; i++) await fns[name]();
      times[name].push((performance.now() - t) / 1000 / inner);
    }
  }
  const median = (a) => a.sort((x, y) => x - y)[a.length >> 1];
  return Object.fromEntries(names.map((n) => [n, median(times[n])]));
}
