// Keep decisions in the two forms several kernel families share. Drawn: element j of a call is
// kept iff the 16-bit half j of the call's stream words is >= threshold, so one word decides two
// elements. Packed: bit i of little-endian u32 words (the bernoulliBits layout), which the
// products and the pooling kernels read in place instead of expanding them to a mask.
import { CHUNK_WORDS, nextWords } from "./philox";

// Halves per chunk of stream words: loops over drawn decisions step by this.
// @ts-ignore: decorator
@inline export const CHUNK_HALVES: i32 = 2 * CHUNK_WORDS;

// Address of the next k halves of the call (half j is the u16 at byte 2 j: wasm memory is
// little-endian, as the other backends assume). An odd k drops the upper half of its last word,
// because the counter only advances by whole words.
// @ts-ignore: decorator
@inline export function nextHalves(k: i32): usize {
  return nextWords((k + 1) >> 1);
}

// Threshold 0 keeps every element and 65536 or more keeps none: neither needs the stream (and
// 65536 does not fit the u16 comparison), so kernels fill their output instead of drawing.
// @ts-ignore: decorator
@inline export function keepsAllOrNone(threshold: u32): bool {
  return threshold == 0 || threshold >= 65536;
}

// @ts-ignore: decorator
@inline export function keepBit(bits: usize, i: u32): bool {
  return ((load<u32>(bits + (<usize>(i >>> 5) << 2)) >>> (i & 31)) & 1) != 0;
}

// Bits i .. i + 3 as a lane mask (-1 where kept) over four consecutive f32 elements. The next
// word is read only when the run crosses into it, so nothing past the bits' last word is touched.
// @ts-ignore: decorator
@inline export function keepLanes4(bits: usize, i: u32): v128 {
  const k = i >>> 5, shift = i & 31;
  let v = load<u32>(bits + (<usize>k << 2)) >>> shift;
  if (shift > 28) v |= load<u32>(bits + (<usize>(k + 1) << 2)) << (32 - shift);
  return i32x4.ne(v128.and(i32x4.splat(<i32>v), i32x4(1, 2, 4, 8)), i32x4.splat(0));
}
