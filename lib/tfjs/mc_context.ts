// Which Monte Carlo pass is running: while `mcPredict` runs a model, every dropmask layer (and
// every tf.layers noise layer it stands in for) draws from the pass's generator in 'mc' mode
// instead of acting as at inference. A plain module variable: model execution is synchronous.
import type { Generator } from './dropmask';

let active: Generator | null = null;

/** The generator of the MC pass being run, or null outside `mcPredict`. */
export const mcPassGenerator = (): Generator | null => active;

/** Runs `fn` with `generator` as the active MC pass (restoring the previous one afterwards). */
export function withMcPass<T>(generator: Generator, fn: () => T): T {
  const previous = active;
  active = generator;
  try {
    return fn();
  } finally {
    active = previous;
  }
}
