// Fused dropout: the keep decisions of bernoulli.ts applied to x, never stored.
import type { Backend } from '../interface';
import { forEachDecision } from './bernoulli';

const f = Math.fround;

export const dropoutKernels: Pick<Backend, 'dropout'> = {
  dropout(out, x, counter, threshold, scale) {
    const s = f(scale);
    forEachDecision(counter, x.length, threshold, (j, kept) => {
      out[j] = kept ? f(x[j] * s) : 0;
    });
  },
};
