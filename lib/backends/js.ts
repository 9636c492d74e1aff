// The reference backend: plain TypeScript, the readable specification of every formula in
// DESIGN.md and the oracle the other backends are tested against.
import type { Backend } from '../backend';
import { boxMuller } from '../f32math';
import { forEachChunk } from '../philox';
import { jsConvKernels } from './js_conv';

const f = Math.fround;

/** The 16-bit half of the call's words that decides element j of a chunk (low half first). */
function half(words: Uint32Array, start: number, j: number): number {
  const w = words[start + (j >>> 1)];
  return j & 1 ? w >>> 16 : w & 0xffff;
}

/** Calls keep(j, kept) for every element j < n of a Bernoulli call. */
function forEachDecision(counter: Uint32Array, n: number, threshold: number, keep: (j: number, kept: boolean) => void): void {
  forEachChunk(counter, Math.ceil(n / 2), (words, start, count, first) => {
    const end = Math.min(2 * count, n - 2 * first);
    for (let j = 0; j < end; j++) keep(2 * first + j, half(words, start, j) >= threshold);
  });
}

function forEachGaussian(counter: Uint32Array, n: number, use: (j: number, z: number) => void): void {
  const z = new Float32Array(2);
  forEachChunk(counter, 2 * Math.ceil(n / 2), (words, start, count, first) => {
    for (let i = 0; i < count; i += 2) {
      boxMuller(words[start + i], words[start + i + 1], z, 0);
      use(first + i, z[0]);
      if (first + i + 1 < n) use(first + i + 1, z[1]);
    }
  });
}

export const jsBackend: Backend = {
  name: 'js',
  simd: 'none',
  ...jsConvKernels,

  randomBits(out, counter) {
    forEachChunk(counter, out.length, (words, start, count, first) => {
      out.set(words.subarray(start, start + count), first);
    });
  },

  uniform(out, counter) {
    forEachChunk(counter, out.length, (words, start, count, first) => {
      for (let j = 0; j < count; j++) out[first + j] = (words[start + j] >>> 8) * 2 ** -24;
    });
  },

  normal(out, counter, mean, std) {
    const m = f(mean), s = f(std);
    forEachGaussian(counter, out.length, (j, z) => {
      out[j] = f(m + f(s * z));
    });
  },

  bernoulliF32(out, counter, threshold, scale) {
    const s = f(scale);
    forEachDecision(counter, out.length, threshold, (j, kept) => {
      out[j] = kept ? s : 0;
    });
  },

  bernoulliU8(out, counter, threshold) {
    forEachDecision(counter, out.length, threshold, (j, kept) => {
      out[j] = kept ? 1 : 0;
    });
  },

  bernoulliBits(out, n, counter, threshold) {
    out.fill(0, 0, Math.ceil(n / 32));
    forEachDecision(counter, n, threshold, (j, kept) => {
      if (kept) out[j >>> 5] |= 1 << (j & 31);
    });
  },

  dropout(out, x, counter, threshold, scale) {
    const s = f(scale);
    forEachDecision(counter, x.length, threshold, (j, kept) => {
      out[j] = kept ? f(x[j] * s) : 0;
    });
  },

  gaussianNoise(out, x, counter, std) {
    const s = f(std);
    forEachGaussian(counter, x.length, (j, z) => {
      out[j] = f(x[j] * f(1 + f(s * z)));
    });
  },

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

  matmul(c, a, b, bias, m, n, k, transA, transB, accumulate, bKeep, bScale) {
    if (bKeep) {
      const s = f(bScale ?? 1);
      const masked = b.map((v, i) => ((bKeep[i >>> 5] >>> (i & 31)) & 1 ? f(v * s) : 0));
      return this.matmul(c, a, masked, bias, m, n, k, transA, transB, accumulate);
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
};
