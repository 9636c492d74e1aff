// Median seconds per call of fn over at least `iterations` calls (and at least `time` ms) after
// warm-up (tinybench, sync): the one timer of every benchmark file.
import { Bench } from 'tinybench';

export function seconds(fn, iterations, warmupIterations = 2, time = 0) {
  const bench = new Bench({ iterations, time, warmupIterations });
  bench.add('x', fn);
  bench.runSync();
  return bench.tasks[0].result.latency.p50 / 1000;
}
