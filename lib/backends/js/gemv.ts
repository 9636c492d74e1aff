// DropConnect's per-example products, summed in float64 over the kept weights.
import type { Backend } from '../interface';
import { advanceCounter } from '../../core/stream';
import { bernoulliKernels } from './bernoulli';
import { matmulKernels } from './matmul';

export const gemvKernels: Pick<Backend, 'maskedGemv' | 'dropConnectGemv'> = {
  // Example b's row of y is the product with its keep bits (float64 sums of f(W·scale)·x).
  maskedGemv(y, x, W, biases, batch, rows, din, keep, keepStride, scale) {
    for (let b = 0; b < batch; b++) {
      const at = (a: Float32Array, n: number) => a.subarray(b * n, (b + 1) * n);
      matmulKernels.matmul(
        at(y, rows),
        at(x, din),
        W,
        biases && at(biases, rows),
        1,
        rows,
        din,
        false,
        true,
        false,
        keep.subarray(b * keepStride),
        scale,
      );
    }
  },

  // Example b's decisions are bernoulliBits' at counter + b · segmentWords, then maskedGemv.
  dropConnectGemv(y, x, W, biases, batch, rows, din, counter, segmentWords, threshold, scale) {
    const words = Math.ceil((rows * din) / 32),
      keep = new Uint32Array(batch * words);
    for (let b = 0; b < batch; b++)
      bernoulliKernels.bernoulliBits(keep.subarray(b * words), rows * din, advanceCounter(counter, b * segmentWords), threshold);
    gemvKernels.maskedGemv(y, x, W, biases, batch, rows, din, keep, words, scale);
  },
};
