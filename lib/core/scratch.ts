// Reused temporaries for methods that materialise masks or masked weights: a fresh
// multi-megabyte typed array per call costs page faults comparable to the work itself. Only
// internal buffers come from here, never an array returned to the caller; calls are synchronous,
// so one pool suffices.
// A temporary above RETAIN_BYTES is allocated for its call and not kept: one huge call must not
// pin its memory for the life of the process, and at that size the work dwarfs the page faults.
const pool = new Map<string, ArrayBufferView>();
export const RETAIN_BYTES = 16 * 2 ** 20;

type Ctor<T> = { new (n: number): T; BYTES_PER_ELEMENT: number };

function take<T extends Float32Array | Uint8Array | Uint32Array>(key: string, length: number, ctor: Ctor<T>): T {
  if (length * ctor.BYTES_PER_ELEMENT > RETAIN_BYTES) return new ctor(length);
  let buf = pool.get(key) as T | undefined;
  if (!buf || !(buf instanceof ctor) || buf.length < length) {
    buf = new ctor(length);
    pool.set(key, buf);
  }
  return (buf.length === length ? buf : buf.subarray(0, length)) as T;
}

/** The bytes the pool keeps between calls (for tests: bounded by RETAIN_BYTES per key). */
export const retainedScratchBytes = (): number => [...pool.values()].reduce((sum, b) => sum + b.byteLength, 0);

/** A Float32Array of `length` for temporary use under `key` (contents undefined). */
export const scratch = (key: string, length: number): Float32Array => take(key, length, Float32Array);

/** A Uint8Array of `length` for temporary use under `key` (contents undefined). */
export const scratchBytes = (key: string, length: number): Uint8Array => take(key, length, Uint8Array);

/** A Uint32Array of `length` for temporary use under `key` (contents undefined). */
export const scratchWords = (key: string, length: number): Uint32Array => take(key, length, Uint32Array);
