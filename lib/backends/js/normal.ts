// Gaussian N(mean, std²) by Box–Muller on word pairs, and the multiplicative noise of Gaussian
// dropout. Each step is rounded to float32 so that the result is the native and wasm kernels' bits.
import type { Backend } from '../interface';
import { boxMuller } from '../../core/f32math';
import { forEachChunk } from '../../core/philox';

const f = Math.fround;

/** Calls use(j, z_j) for every element j < n of a Gaussian call. */
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

export const normalKernels: Pick<Backend, 'normal' | 'gaussianNoise'> = {
  normal(out, counter, mean, std) {
    const m = f(mean),
      s = f(std);
    forEachGaussian(counter, out.length, (j, z) => {
      out[j] = f(m + f(s * z));
    });
  },

  gaussianNoise(out, x, counter, std) {
    const s = f(std);
    forEachGaussian(counter, x.length, (j, z) => {
      out[j] = f(x[j] * f(1 + f(s * z)));
    });
  },
};
