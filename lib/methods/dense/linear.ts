// Dense layers: shape checks shared by the dense methods, and the plain product y = x·Wᵀ + b.
import { checkArray, checkDisjoint, checkOptions, rangeError, typeError } from '../../core/errors';
import { getBackend } from '../../backends/select';
import type { Backend, BackendName } from '../../backends/interface';

/** Shapes of a dense layer: x [batch, inFeatures], W [outFeatures, inFeatures], bias [outFeatures]. */
export interface DenseShapeOptions {
  /** Input features Din (columns of x and of W). */
  inFeatures: number;
  /** Output features Dout (rows of W, length of bias). */
  outFeatures: number;
}

/** Options of `linear`. */
export interface LinearOptions extends DenseShapeOptions {
  /** Where to write y [batch, outFeatures]. */
  out?: Float32Array;
  /** Runs this call on one backend. */
  backend?: BackendName;
  /** Threads the native product may split rows across (1–256), instead of `setThreads`'s value; never changes the result. */
  threads?: number;
}

export interface DenseShapes {
  batch: number;
  din: number;
  dout: number;
  /** The arrays as checked: later reads go through these views (see checkArray). */
  x: Float32Array;
  W: Float32Array;
  bias: Float32Array | null;
}

function feature(name: string, value: unknown): number {
  if (typeof value !== 'number') throw typeError(name, 'a positive integer', value);
  if (!Number.isInteger(value) || value < 1 || value > 2 ** 31) throw rangeError(name, 'a positive integer', value);
  return value;
}

/** Checks x, W and bias against inFeatures / outFeatures and returns the batch size. */
export function denseShapes(opts: Record<string, unknown>, x: unknown, W: unknown, bias: unknown): DenseShapes {
  const din = feature('inFeatures', opts.inFeatures);
  const dout = feature('outFeatures', opts.outFeatures);
  const xs = checkArray('x', x, Float32Array);
  const ws = checkArray('W', W, Float32Array);
  if (ws.length !== din * dout)
    throw new RangeError(`Expected W to hold outFeatures * inFeatures = ${dout * din} values but received ${ws.length}`);
  if (xs.length % din !== 0)
    throw new RangeError(`Expected x.length to be a multiple of inFeatures = ${din} but received ${xs.length}`);
  let bs: Float32Array | null = null;
  if (bias !== null && bias !== undefined) {
    bs = checkArray('bias', bias, Float32Array);
    if (bs.length !== dout) throw new RangeError(`Expected bias to hold outFeatures = ${dout} values but received ${bs.length}`);
  }
  return { batch: xs.length / din, din, dout, x: xs, W: ws, bias: bs };
}

/** The output array of a dense call: `out` checked, or a new one. */
export function denseOut(
  opts: Record<string, unknown>,
  length: number,
  inputs: Record<string, ArrayBufferView | null | undefined>,
): Float32Array {
  if (opts.out === undefined) return new Float32Array(length);
  const out = checkArray('out', opts.out, Float32Array);
  if (out.length !== length) throw new RangeError(`Expected out.length to be ${length} but received ${out.length}`);
  for (const [name, input] of Object.entries(inputs)) checkDisjoint('out', out, name, input);
  return out;
}

/**
 * The plain dense product y = x·Wᵀ + bias, x [batch, inFeatures], W [outFeatures, inFeatures].
 * Native uses blocked FMA kernels and WebAssembly SIMD tiles: results agree with the js
 * reference within float32 rounding relative to Σ|x·w| (see README).
 */
export function linear(x: Float32Array, W: Float32Array, bias: Float32Array | null, options: LinearOptions): Float32Array {
  const opts = checkOptions('options', options);
  const shapes = denseShapes(opts, x, W, bias);
  const { batch, din, dout } = shapes;
  ({ x, W, bias } = shapes);
  const out = denseOut(opts, batch * dout, { x, W, bias });
  getBackend(opts.backend, opts.threads).matmul(out, x, W, bias ?? null, batch, dout, din, false, true, false);
  return out;
}

/**
 * Promise form of `linear`: on native the product runs on the libuv thread pool (split by rows
 * like the sync form, so the result has the same bits), on wasm in a worker thread. x, W and bias
 * are copied when the call starts; with `out` the result is copied into it at the end.
 */
export async function linearAsync(
  x: Float32Array,
  W: Float32Array,
  bias: Float32Array | null,
  options: LinearOptions,
): Promise<Float32Array> {
  const opts = checkOptions('options', options);
  const shapes = denseShapes(opts, x, W, bias); // bad arguments reject at once, with the sync form's error
  const { batch, din, dout } = shapes;
  ({ x, W, bias } = shapes);
  const out = opts.out === undefined ? undefined : denseOut(opts, batch * dout, { x, W, bias });
  return productAsync(getBackend(opts.backend, opts.threads), x, W, bias ?? null, batch, din, dout, out);
}

async function productAsync(
  backend: Backend,
  x: Float32Array,
  W: Float32Array,
  bias: Float32Array | null,
  batch: number,
  din: number,
  dout: number,
  out: Float32Array | undefined,
): Promise<Float32Array> {
  let y: Float32Array;
  if (backend.matmulAsync) {
    y = await backend.matmulAsync(x, W, bias, batch, dout, din, false, true);
  } else {
    y = new Float32Array(batch * dout);
    backend.matmul(y, x, W, bias, batch, dout, din, false, true, false);
  }
  if (!out) return y;
  out = checkArray('out', out, Float32Array);
  out.set(y);
  return out;
}
