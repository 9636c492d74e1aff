// Positions in the random stream (docs/architecture.md): seed = Philox key, stream = high half of the
// counter, offset = index of a 32-bit word in the stream (block = offset / 4, phase = offset % 4).
import { describe, rangeError, typeError } from './errors';

/** An unsigned 64-bit integer: a safe-integer number or a bigint. */
export type UInt64Like = number | bigint;

const U64 = 1n << 64n;
/** Offsets address every word of every block: 2^64 blocks of 4 words. */
export const OFFSET_LIMIT = 1n << 66n;

export function toUInt(name: string, value: unknown, limit: bigint): bigint {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw rangeError(name, 'a non-negative safe integer or a bigint', value);
    }
    return BigInt(value);
  }
  if (typeof value === 'bigint') {
    if (value < 0n || value >= limit) throw rangeError(name, `a bigint in [0, 2^${limit.toString(2).length - 1})`, value);
    return value;
  }
  throw typeError(name, 'a non-negative integer (number or bigint)', value);
}

export const toSeed = (name: string, v: unknown): bigint => toUInt(name, v, U64);
export const toStream = (name: string, v: unknown): bigint => toUInt(name, v, U64);
export const toOffset = (name: string, v: unknown): bigint => toUInt(name, v, OFFSET_LIMIT);

/**
 * The counter of a call as the kernels take it:
 * [seed lo, seed hi, stream lo, stream hi, block lo, block hi, phase].
 */
export function packCounter(seed: bigint, stream: bigint, offset: bigint): Uint32Array {
  const block = offset >> 2n;
  return new Uint32Array([
    Number(seed & 0xffffffffn),
    Number(seed >> 32n),
    Number(stream & 0xffffffffn),
    Number(stream >> 32n),
    Number(block & 0xffffffffn),
    Number(block >> 32n),
    Number(offset & 3n),
  ]);
}

const TWO32 = 2 ** 32;

/**
 * The two 32-bit words [lo, hi] of an unsigned integer below 2^64 given as a number or bigint.
 * Numbers take a BigInt-free path: this runs on every call.
 */
export function u64Words(name: string, value: unknown): [number, number] {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) {
    return [value % TWO32, Math.floor(value / TWO32)];
  }
  const v = toUInt(name, value, U64);
  return [Number(v & 0xffffffffn), Number(v >> 32n)];
}

/** The counter words [block lo, block hi, phase] of a word offset below 2^66. */
export function offsetWords(name: string, value: unknown): [number, number, number] {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) {
    const phase = value % 4;
    const block = (value - phase) / 4;
    return [block % TWO32, Math.floor(block / TWO32), phase];
  }
  const v = toUInt(name, value, OFFSET_LIMIT);
  if (v < 2n ** 53n) return offsetWords(name, Number(v));
  const block = v >> 2n;
  return [Number(block & 0xffffffffn), Number(block >> 32n), Number(v & 3n)];
}

/**
 * The counter `words` words after `counter` (wrapping at the end of the stream, like offsets).
 * `words` is exact: a bigint, or a safe-integer number. A number past 2^53 has already been
 * rounded by whatever computed it, so it is refused rather than silently used.
 */
export function advanceCounter(counter: Uint32Array, words: number | bigint): Uint32Array {
  if (typeof words === 'number') {
    if (!Number.isSafeInteger(words) || words < 0)
      throw rangeError('words', 'an exact word count (a safe integer or a bigint)', words);
    // below 2^52 every sum here stays exact in a double
    if (words < 2 ** 52) {
      const next = counter.slice();
      const pos = counter[6] + words;
      const blocks = Math.floor(pos / 4);
      next[6] = pos - 4 * blocks;
      const lo = counter[4] + blocks;
      next[4] = lo % 2 ** 32;
      next[5] = (counter[5] + Math.floor(lo / 2 ** 32)) % 2 ** 32;
      return next;
    }
    words = BigInt(words);
  }
  if (words < 0n) throw rangeError('words', 'a non-negative word count', words);
  const pos = counterOffset(counter) + words;
  const next = counter.slice();
  const [b0, b1, phase] = offsetWords('offset', pos % OFFSET_LIMIT);
  next[4] = b0;
  next[5] = b1;
  next[6] = phase;
  return next;
}

/** The word offset (below 2^66) a counter stands at. */
export const counterOffset = (counter: Uint32Array): bigint =>
  ((BigInt(counter[5]) << 32n) | BigInt(counter[4])) * 4n + BigInt(counter[6]);

/**
 * Checks, before any work, that a call whose words reach `end` words past `counter` stays inside
 * the stream (offsets below 2^66): positions computed from a step or row index must exist rather
 * than wrap onto another part of the stream. Names `name`, the argument that moved the position.
 */
export function checkStreamEnd(name: string, value: unknown, counter: Uint32Array, end: bigint): void {
  const last = counterOffset(counter) + end;
  if (last > OFFSET_LIMIT) {
    throw new RangeError(
      `Expected ${name} to keep the call's words below offset 2^66 (the end of the stream) but received ${describe(value)}: the call would reach offset ${last}`,
    );
  }
}
