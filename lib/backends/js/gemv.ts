// DropConnect's per-example products, summed in float64 over the kept weights.
import type { Backend } from '../interface';

const f = Math.fround;

export const gemvKernels: Pick<Backend, 'maskedGemv'> = {
  maskedGemv(y, x, W, biases, batch, rows, din, keep, keepStride, scale) {
    for (let b = 0; b < batch; b++) {
      for (let j = 0; j < rows; j++) {
        let sum = 0;
        for (let i = 0; i < din; i++) {
          const pos = j * din + i;
          if ((keep[b * keepStride + (pos >>> 5)] >>> (pos & 31)) & 1) sum += f(W[pos] * scale) * x[b * din + i];
        }
        y[b * rows + j] = f((biases ? biases[b * rows + j] : 0) + sum);
      }
    }
  },
};
