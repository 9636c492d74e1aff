// Uniform float32 in [0, 1): element j is (word j >>> 8) · 2^-24, exact in float32.
import type { Backend } from '../interface';
import { forEachChunk } from '../../core/philox';

export const uniformKernels: Pick<Backend, 'uniform'> = {
  uniform(out, counter) {
    forEachChunk(counter, out.length, (words, start, count, first) => {
      for (let j = 0; j < count; j++) out[first + j] = (words[start + j] >>> 8) * 2 ** -24;
    });
  },
};
