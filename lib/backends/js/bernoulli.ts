// Keep decisions: element j is kept iff the 16-bit half j of the call's words is >= threshold.
import type { Backend } from '../interface';
import { forEachChunk } from '../../core/philox';

const f = Math.fround;

/** The 16-bit half of the call's words that decides element j of a chunk (low half first). */
function half(words: Uint32Array, start: number, j: number): number {
  const w = words[start + (j >>> 1)];
  return j & 1 ? w >>> 16 : w & 0xffff;
}

/** Calls keep(j, kept) for every element j < n of a Bernoulli call. */
export function forEachDecision(
  counter: Uint32Array,
  n: number,
  threshold: number,
  keep: (j: number, kept: boolean) => void,
): void {
  forEachChunk(counter, Math.ceil(n / 2), (words, start, count, first) => {
    const end = Math.min(2 * count, n - 2 * first);
    for (let j = 0; j < end; j++) keep(2 * first + j, half(words, start, j) >= threshold);
  });
}

export const bernoulliKernels: Pick<Backend, 'bernoulliF32' | 'bernoulliU8' | 'bernoulliBits'> = {
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
};
