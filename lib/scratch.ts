// Reused temporaries for methods that materialise masked weights: a fresh multi-megabyte typed
// array per call costs page faults comparable to the product itself. Only internal buffers come
// from here, never an array returned to the caller; calls are synchronous, so one pool suffices.
const pool = new Map<string, Float32Array>();

/** A Float32Array of `length` for temporary use under `key` (contents undefined). */
export function scratch(key: string, length: number): Float32Array {
  let buf = pool.get(key);
  if (!buf || buf.length < length) {
    buf = new Float32Array(length);
    pool.set(key, buf);
  }
  return buf.length === length ? buf : buf.subarray(0, length);
}
