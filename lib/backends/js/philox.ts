// The raw stream: word w of the call is output word w mod 4 of Philox block ⌊w / 4⌋.
import type { Backend } from '../interface';
import { forEachChunk } from '../../core/philox';

export const philoxKernels: Pick<Backend, 'randomBits'> = {
  randomBits(out, counter) {
    forEachChunk(counter, out.length, (words, start, count, first) => {
      out.set(words.subarray(start, start + count), first);
    });
  },
};
