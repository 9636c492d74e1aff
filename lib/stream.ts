// Positions in the random stream (DESIGN.md): seed = Philox key, stream = high half of the
// counter, offset = index of a 32-bit word in the stream (block = offset / 4, phase = offset % 4).
import { rangeError, typeError } from './errors';

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
    Number(seed & 0xffffffffn), Number(seed >> 32n),
    Number(stream & 0xffffffffn), Number(stream >> 32n),
    Number(block & 0xffffffffn), Number(block >> 32n),
    Number(offset & 3n),
  ]);
}

/** The counter `words` words after `counter` (wrapping at the end of the stream, like offsets). */
export function advanceCounter(counter: Uint32Array, words: number): Uint32Array {
  const next = counter.slice();
  const pos = counter[6] + words;
  const blocks = Math.floor(pos / 4);
  next[6] = pos - 4 * blocks;
  const lo = counter[4] + blocks;
  next[4] = lo % 2 ** 32;
  next[5] = (counter[5] + Math.floor(lo / 2 ** 32)) % 2 ** 32;
  return next;
}

/** Adds `words` to an offset, wrapping at 2^66. */
export function addOffset(offset: bigint, words: bigint | number): bigint {
  return (offset + BigInt(words)) % OFFSET_LIMIT;
}
