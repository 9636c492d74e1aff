// Philox4x32-10 in plain TypeScript: the readable specification that the native and
// WebAssembly kernels reproduce bit for bit (Salmon et al., SC'11; Random123 constants).

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;
const M0_HI = M0 >>> 16,
  M0_LO = M0 & 0xffff;
const M1_HI = M1 >>> 16,
  M1_LO = M1 & 0xffff;

/** High 32 bits of a * m for m = (mHi << 16) + mLo: every partial product is exact in a double. */
function mulHi(a: number, mHi: number, mLo: number): number {
  return Math.floor((a * mHi + Math.floor((a * mLo) / 65536)) / 65536) >>> 0;
}

/** Writes the four words of block (c0, c1) of stream (c2, c3) under key (k0, k1) to out[at..at+3]. */
export function philoxBlock(
  k0: number,
  k1: number,
  c0: number,
  c1: number,
  c2: number,
  c3: number,
  out: Uint32Array,
  at: number,
): void {
  for (let r = 0; r < 10; r++) {
    if (r > 0) {
      k0 = (k0 + W0) >>> 0;
      k1 = (k1 + W1) >>> 0;
    }
    const hi0 = mulHi(c0, M0_HI, M0_LO),
      lo0 = Math.imul(c0, M0) >>> 0;
    const hi1 = mulHi(c2, M1_HI, M1_LO),
      lo1 = Math.imul(c2, M1) >>> 0;
    c0 = (hi1 ^ c1 ^ k0) >>> 0;
    c1 = lo1;
    c2 = (hi0 ^ c3 ^ k1) >>> 0;
    c3 = lo0;
  }
  out[at] = c0;
  out[at + 1] = c1;
  out[at + 2] = c2;
  out[at + 3] = c3;
}

/** Words generated per chunk; even, so element pairs never straddle two chunks. */
export const CHUNK_WORDS = 1024;

/**
 * Calls f(words, start, count, first) for consecutive chunks of the `nwords` words that begin at
 * `counter` ([seed lo, seed hi, stream lo, stream hi, block lo, block hi, phase]). The chunk's
 * words are words[start .. start + count); `first` is their index within the call.
 */
export function forEachChunk(
  counter: Uint32Array,
  nwords: number,
  f: (words: Uint32Array, start: number, count: number, first: number) => void,
): void {
  const buf = new Uint32Array(CHUNK_WORDS + 8);
  const [k0, k1, s0, s1] = counter;
  let lo = counter[4],
    hi = counter[5];
  const phase = counter[6];
  for (let first = 0; first < nwords; first += CHUNK_WORDS) {
    const count = Math.min(CHUNK_WORDS, nwords - first);
    const nblocks = (phase + count + 3) >>> 2;
    let blo = lo,
      bhi = hi;
    for (let b = 0; b < nblocks; b++) {
      philoxBlock(k0, k1, blo, bhi, s0, s1, buf, 4 * b);
      blo = (blo + 1) >>> 0;
      if (blo === 0) bhi = (bhi + 1) >>> 0;
    }
    f(buf, phase, count, first);
    const next = lo + CHUNK_WORDS / 4;
    if (next >= 2 ** 32) hi = (hi + 1) >>> 0;
    lo = next >>> 0;
  }
}
