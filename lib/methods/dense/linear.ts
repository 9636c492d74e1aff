// Dense layers: shape checks shared by the dense methods, and the plain product y = x·Wᵀ + b.
import { checkArray, checkDisjoint, checkOptions } from '../../core/errors';
import { getBackend } from '../../backends/select';
import type { Backend, BackendName } from '../../backends/interface';
import { PackedWeights, featureCount, packedForm, packedWeightsShape } from './packed_weights';

/** Shapes of a dense layer: x [batch, inFeatures], W [outFeatures, inFeatures], bias [outFeatures]. */
export interface DenseShapeOptions {
  /** Input features Din (columns of x and of W). */
  inFeatures: number;
  /** Output features Dout (rows of W, length of bias). */
  outFeatures: number;
}

/** Options of `linear` with W as an array. */
export interface LinearOptions extends DenseShapeOptions {
  /** Where to write y [batch, outFeatures]. */
  out?: Float32Array;
  /** Runs this call on one backend. */
  backend?: BackendName;
  /** Threads the native product may split rows across (1–256), instead of `setThreads`'s value; never changes the result. */
  threads?: number;
}

/** Options of `linear` with packed weights: the shape comes with them, so inFeatures and outFeatures may be left out (if given, they must match). */
export type PackedLinearOptions = Omit<LinearOptions, 'inFeatures' | 'outFeatures'> & Partial<DenseShapeOptions>;

/** Options of `packWeights`. */
export interface PackWeightsOptions extends DenseShapeOptions {
  /** Packs for this backend now (default: the one calls without a `backend` option run on); any other packs on its first call. */
  backend?: BackendName;
}

export interface DenseShapes {
  batch: number;
  din: number;
  dout: number;
  /** The arrays as checked: later reads go through these views (see checkArray). */
  x: Float32Array;
  W: Float32Array;
  bias: Float32Array | null;
  /** The packed weights W came as (W above is then their copy), or null. */
  packed: PackedWeights | null;
}

/**
 * Checks x, W and bias against inFeatures / outFeatures and returns the batch size. With
 * `takesPacked`, W may be `packWeights`' result: the options' shape is checked against (or taken
 * from) it, and its copy of W is checked and returned as W.
 */
export function denseShapes(
  opts: Record<string, unknown>,
  x: unknown,
  W: unknown,
  bias: unknown,
  takesPacked = false,
): DenseShapes {
  let packed: PackedWeights | null = null;
  if (W instanceof PackedWeights) {
    if (!takesPacked) throw new TypeError('Expected a Float32Array for W: packed weights are taken by linear and dropConnect');
    packed = W;
    W = packedShape(opts, packed);
  }
  const din = featureCount('inFeatures', opts.inFeatures);
  const dout = featureCount('outFeatures', opts.outFeatures);
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
  return { batch: xs.length / din, din, dout, x: xs, W: ws, bias: bs, packed };
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
 * Copies W [outFeatures, inFeatures] and packs it for the backend calls run on, so that `linear`
 * with the result skips the packing a product with W does on every call (as onnxruntime does
 * for a Gemm whose W is an initializer). `linear` with it gives exactly the bits of `linear` with
 * W on every backend, instruction set and thread count. Native packs W into its register tiles'
 * layout (W's size again, per instruction set used); wasm and js keep the copy only: wasm copies W
 * onto its heap on every call anyway, and js does not pack.
 */
export function packWeights(W: Float32Array, options: PackWeightsOptions): PackedWeights {
  const opts = checkOptions('options', options);
  const packed = new PackedWeights(W, opts.inFeatures, opts.outFeatures);
  packedForm(packed, getBackend(opts.backend));
  return packed;
}

/** The options' shape checked against packed weights', with the copy of W they hold in place of W. */
function packedShape(opts: Record<string, unknown>, W: PackedWeights): Float32Array {
  const { weights, din, dout } = packedWeightsShape(W);
  for (const [name, value] of [
    ['inFeatures', din],
    ['outFeatures', dout],
  ] as const) {
    if (opts[name] === undefined) opts[name] = value;
    else if (featureCount(name, opts[name]) !== value)
      throw new RangeError(`Expected ${name} to be the packed weights' ${value} but received ${String(opts[name])}`);
  }
  return weights;
}

/**
 * The plain dense product y = x·Wᵀ + bias, x [batch, inFeatures], W [outFeatures, inFeatures]
 * (an array, or `packWeights`' result). Native uses blocked FMA kernels and WebAssembly SIMD
 * tiles: results agree with the js reference within float32 rounding relative to Σ|x·w| (see README).
 */
export function linear(x: Float32Array, W: Float32Array, bias: Float32Array | null, options: LinearOptions): Float32Array;
export function linear(x: Float32Array, W: PackedWeights, bias: Float32Array | null, options?: PackedLinearOptions): Float32Array;
export function linear(
  x: Float32Array,
  W: Float32Array | PackedWeights,
  bias: Float32Array | null,
  options?: LinearOptions | PackedLinearOptions,
): Float32Array {
  const opts = checkOptions('options', options);
  const shapes = denseShapes(opts, x, W, bias, true);
  const { batch, din, dout, packed } = shapes;
  let weights: Float32Array;
  ({ x, W: weights, bias } = shapes);
  const out = denseOut(opts, batch * dout, { x, W: weights, bias });
  const backend = getBackend(opts.backend, opts.threads);
  if (packed) backend.matmulPacked(out, x, weights, bias ?? null, batch, dout, din, packedForm(packed, backend));
  else backend.matmul(out, x, weights, bias ?? null, batch, dout, din, false, true, false);
  return out;
}

/**
 * Promise form of `linear`: on native the product runs on the libuv thread pool (split by rows
 * like the sync form, so the result has the same bits), on wasm in a worker thread. x, W and bias
 * are copied when the call starts; with `out` the result is copied into it at the end. Packed
 * weights give the same bits; the off-thread product reads their copy of W, not the packed form.
 */
export async function linearAsync(
  x: Float32Array,
  W: Float32Array | PackedWeights,
  bias: Float32Array | null,
  options?: LinearOptions | PackedLinearOptions,
): Promise<Float32Array> {
  const opts = checkOptions('options', options);
  const shapes = denseShapes(opts, x, W, bias, true); // bad arguments reject at once, with the sync form's error
  const { batch, din, dout } = shapes;
  let weights: Float32Array;
  ({ x, W: weights, bias } = shapes);
  const out = opts.out === undefined ? undefined : denseOut(opts, batch * dout, { x, W: weights, bias });
  return productAsync(getBackend(opts.backend, opts.threads), x, weights, bias ?? null, batch, din, dout, out);
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
