// Reused temporaries for methods that materialise masks or masked weights: a fresh
// multi-megabyte typed array per call costs page faults comparable to the work itself. Only
// internal buffers come from here, never an array returned to the caller; calls are synchronous,
// so one pool suffices.
const pool = new Map<string, ArrayBufferView>();

type Ctor<T> = { new (n: number): T };

function take<T extends Float32Array | Uint8Array>(key: string, length: number, ctor: Ctor<T>): T {
  let buf = pool.get(key) as T | undefined;
  if (!buf || !(buf instanceof ctor) || buf.length < length) {
    buf = new ctor(length);
    pool.set(key, buf);
  }
  return (buf.length === length ? buf : buf.subarray(0, length)) as T;
}

/** A Float32Array of `length` for temporary use under `key` (contents undefined). */
export const scratch = (key: string, length: number): Float32Array => take(key, length, Float32Array);

/** A Uint8Array of `length` for temporary use under `key` (contents undefined). */
export const scratchBytes = (key: string, length: number): Uint8Array => take(key, length, Uint8Array);
