// The product in float64, rounded once: the most accurate of the three backends, so the
// others are compared with it within a tolerance.
import type { Backend } from '../interface';
import { bernoulliKernels } from './bernoulli';

const f = Math.fround;

export const matmulKernels: Pick<Backend, 'matmul' | 'dropConnectMatmul' | 'packWeights' | 'matmulPacked'> = {
  matmul(c, a, b, bias, m, n, k, transA, transB, accumulate, bKeep, bScale) {
    if (bKeep) {
      const s = f(bScale ?? 1);
      const masked = b.map((v, i) => ((bKeep[i >>> 5] >>> (i & 31)) & 1 ? f(v * s) : 0));
      return matmulKernels.matmul(c, a, masked, bias, m, n, k, transA, transB, accumulate);
    }
    // float64 accumulation, rounded once: the most accurate of the three backends
    const row = new Float64Array(n);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) row[j] = (accumulate ? c[i * n + j] : 0) + (bias ? bias[j] : 0);
      for (let p = 0; p < k; p++) {
        const av = transA ? a[p * m + i] : a[i * k + p];
        if (av === 0) continue;
        if (transB) for (let j = 0; j < n; j++) row[j] += av * b[j * k + p];
        else for (let j = 0, o = p * n; j < n; j++) row[j] += av * b[o + j];
      }
      for (let j = 0; j < n; j++) c[i * n + j] = row[j];
    }
  },

  // Nothing to pack ahead: the product reads W as it is.
  packWeights: (_W, _rows, _din) => new Float32Array(0),
  matmulPacked(y, x, W, bias, batch, rows, din, _packed) {
    matmulKernels.matmul(y, x, W, bias, batch, rows, din, false, true, false);
  },

  // The bits, then the product that applies them.
  dropConnectMatmul(y, x, W, bias, batch, rows, din, keep, counter, threshold, scale, _packed) {
    bernoulliKernels.bernoulliBits(keep, rows * din, counter, threshold);
    matmulKernels.matmul(y, x, W, bias, batch, rows, din, false, true, false, keep, scale);
  },
};
