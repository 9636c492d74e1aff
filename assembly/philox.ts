// Philox4x32-10 words of one call, four blocks per v128 (same stream as native/philox.inc).
// The counter lives in module state: a kernel calls setCounter once, then nextWords per chunk.

// @ts-ignore: decorator
@inline export const CHUNK_WORDS: i32 = 1024;
// @ts-ignore: decorator
@inline const M0: u32 = 0xD2511F53;
// @ts-ignore: decorator
@inline const M1: u32 = 0xCD9E8D57;
// @ts-ignore: decorator
@inline const W0: u32 = 0x9E3779B9;
// @ts-ignore: decorator
@inline const W1: u32 = 0xBB67AE85;

// Room for a chunk plus the phase and the last group of 8 blocks.
const wordBuf: usize = memory.data((CHUNK_WORDS + 64) << 2, 64);

let key0: u32 = 0;
let key1: u32 = 0;
let stream0: u32 = 0;
let stream1: u32 = 0;
let blockLo: u32 = 0;
let blockHi: u32 = 0;
let phase: u32 = 0;

// The counter setCounter last gave, for kernels that seek within their call (seekWords).
let baseLo: u32 = 0;
let baseHi: u32 = 0;
let basePhase: u32 = 0;

export function setCounter(k0: u32, k1: u32, s0: u32, s1: u32, b0: u32, b1: u32, ph: u32): void {
  key0 = k0; key1 = k1; stream0 = s0; stream1 = s1; blockLo = b0; blockHi = b1; phase = ph & 3;
  baseLo = b0; baseHi = b1; basePhase = ph & 3;
}

// Moves the stream to `words` words after the counter setCounter gave (block counter mod 2^64).
export function seekWords(words: u64): void {
  const pos = <u64>basePhase + words;
  const block = ((<u64>baseHi << 32) | <u64>baseLo) + (pos >> 2);
  blockLo = <u32>block;
  blockHi = <u32>(block >> 32);
  phase = <u32>(pos & 3);
}

// Eight blocks (block lo, hi) .. +7 in stream order at out: two vectors of four, interleaved for ILP.
function philoxGroup(out: usize, lo: u32, hi: u32): void {
  const iota = i32x4(0, 1, 2, 3);
  const m0 = i32x4.splat(M0);
  const m1 = i32x4.splat(M1);
  const loA = i32x4.splat(lo);
  let a0 = i32x4.add(loA, iota);
  let a1 = i32x4.sub(i32x4.splat(hi), i32x4.lt_u(a0, loA));  // lt_u is -1 where the low word wrapped
  const lo4 = lo + 4;
  const loB = i32x4.splat(lo4);
  let b0 = i32x4.add(loB, iota);
  let b1 = i32x4.sub(i32x4.splat(hi + u32(lo4 < lo)), i32x4.lt_u(b0, loB));
  let a2 = i32x4.splat(stream0), b2 = a2;
  let a3 = i32x4.splat(stream1), b3 = a3;
  let k0 = key0, k1 = key1;
  for (let r = 0; r < 10; r++) {
    const kv0 = i32x4.splat(k0), kv1 = i32x4.splat(k1);
    // extmul gives 64-bit products [lo, hi] per lane; shuffles split them into lo and hi words
    let pl = i64x2.extmul_low_i32x4_u(a0, m0), ph = i64x2.extmul_high_i32x4_u(a0, m0);
    const ahi0 = i32x4.shuffle(pl, ph, 1, 3, 5, 7), alo0 = i32x4.shuffle(pl, ph, 0, 2, 4, 6);
    pl = i64x2.extmul_low_i32x4_u(a2, m1); ph = i64x2.extmul_high_i32x4_u(a2, m1);
    const ahi1 = i32x4.shuffle(pl, ph, 1, 3, 5, 7), alo1 = i32x4.shuffle(pl, ph, 0, 2, 4, 6);
    pl = i64x2.extmul_low_i32x4_u(b0, m0); ph = i64x2.extmul_high_i32x4_u(b0, m0);
    const bhi0 = i32x4.shuffle(pl, ph, 1, 3, 5, 7), blo0 = i32x4.shuffle(pl, ph, 0, 2, 4, 6);
    pl = i64x2.extmul_low_i32x4_u(b2, m1); ph = i64x2.extmul_high_i32x4_u(b2, m1);
    const bhi1 = i32x4.shuffle(pl, ph, 1, 3, 5, 7), blo1 = i32x4.shuffle(pl, ph, 0, 2, 4, 6);
    a0 = v128.xor(v128.xor(ahi1, a1), kv0); a1 = alo1;
    a2 = v128.xor(v128.xor(ahi0, a3), kv1); a3 = alo0;
    b0 = v128.xor(v128.xor(bhi1, b1), kv0); b1 = blo1;
    b2 = v128.xor(v128.xor(bhi0, b3), kv1); b3 = blo0;
    k0 += W0; k1 += W1;
  }
  storeBlocks(out, a0, a1, a2, a3);
  storeBlocks(out + 64, b0, b1, b2, b3);
}

// Lane l of x_w is word w of block l: transpose to block-major (stream) order.
// @ts-ignore: decorator
@inline function storeBlocks(out: usize, x0: v128, x1: v128, x2: v128, x3: v128): void {
  const t0 = i32x4.shuffle(x0, x1, 0, 4, 1, 5), t1 = i32x4.shuffle(x2, x3, 0, 4, 1, 5);
  const t2 = i32x4.shuffle(x0, x1, 2, 6, 3, 7), t3 = i32x4.shuffle(x2, x3, 2, 6, 3, 7);
  v128.store(out, i32x4.shuffle(t0, t1, 0, 1, 4, 5));
  v128.store(out, i32x4.shuffle(t0, t1, 2, 3, 6, 7), 16);
  v128.store(out, i32x4.shuffle(t2, t3, 0, 1, 4, 5), 32);
  v128.store(out, i32x4.shuffle(t2, t3, 2, 3, 6, 7), 48);
}

// Generates the next `take` (<= CHUNK_WORDS) words of the call and returns their address.
// Words past `take` in the buffer are valid stream words too, so vector loops may overrun.
export function nextWords(take: i32): usize {
  const nblocks = (i32(phase) + take + 3) >> 2;
  let lo = blockLo, hi = blockHi;
  for (let i = 0; i < nblocks; i += 8) {
    philoxGroup(wordBuf + (<usize>i << 4), lo, hi);
    const next = lo + 8;
    hi += u32(next < lo);
    lo = next;
  }
  const at = wordBuf + (<usize>phase << 2);
  const pos = phase + u32(take);
  const adv = pos >> 2;
  const nextLo = blockLo + adv;
  blockHi += u32(nextLo < blockLo);
  blockLo = nextLo;
  phase = pos & 3;
  return at;
}

export function randomBits(out: usize, n: i32): void {
  for (let first = 0; first < n; first += CHUNK_WORDS) {
    const take = min(CHUNK_WORDS, n - first);
    memory.copy(out + (<usize>first << 2), nextWords(take), <usize>take << 2);
  }
}
