// Promise forms of the kernels whose work grows with the input. On the native backend the work
// runs on the libuv thread pool, so a server's event loop keeps serving while a large mask is made;
// results are bit-identical to the sync forms. The stream position is taken (and a generator
// advanced) when the call starts, so concurrent calls never share randomness. Inputs are copied
// when the call starts, so the caller may reuse or transfer them at once; with `out`, the result
// is copied into it when the work is done (a TypeError if `out` was detached meanwhile).
// The wasm backend runs them on a pool of two worker_threads (Node); the js backend does the work
// on the calling thread and resolves the same result.
import type { AsyncKernelName, Backend } from '../backends/interface';
import { STREAM_KERNELS, outputLength, streamWords } from '../backends/kernels';
import type { StreamKernelSpec } from '../backends/kernels';
import { BernoulliMaskOptions, MASK_LAYOUTS, dropThreshold } from '../core/bernoulli';
import { DROPOUT_SCALINGS, DropoutOptions, GaussianNoiseOptions, dropout, gaussianNoise } from '../methods/dense/dropout';
import { checkMode } from '../core/method';
import { checkArray, checkCount, checkOneOf, checkOptions, checkFloat32, viewTagOf } from '../core/errors';
import { NormalOptions } from '../core/random';
import { StreamOptions, resolveDraw } from '../core/options';
import { checkNoiseShape, checkShape, product } from '../core/shape';

type Result = Float32Array | Uint8Array | Uint32Array;

const RESULT_TYPES = { f32: Float32Array, u8: Uint8Array, u32: Uint32Array, bits: Uint32Array } as const;

/**
 * The sync kernel of `kind` on `backend`, into a new array, with the off-thread call's scalars:
 * a is the mean or threshold, b the std or scale (the KernelAsync convention).
 */
export function syncKernel(
  backend: Backend,
  kind: AsyncKernelName,
  n: number,
  c: Uint32Array,
  a: number,
  b: number,
  x?: Float32Array,
): Result {
  const spec: StreamKernelSpec = STREAM_KERNELS[kind];
  const out = new RESULT_TYPES[spec.out](outputLength(kind, n));
  const values: Record<string, unknown> = { out, n, x, counter: c, mean: a, threshold: a, std: b, scale: b };
  (backend[kind] as unknown as (...args: unknown[]) => void)(...spec.args.map((name) => values[name]));
  return out;
}

/**
 * Takes the call's position now (advancing its generator, and throwing on bad options like the
 * sync forms), then runs `kind`; fills `out` if given.
 */
function start<T extends Result>(
  opts: Record<string, unknown>,
  kind: AsyncKernelName,
  n: number,
  words: number,
  a: number,
  b: number,
  x?: Float32Array,
  out?: T,
): Promise<T> {
  const draw = resolveDraw(opts);
  draw.commit(words);
  return finish(draw.backend, draw.counter, kind, n, a, b, x, out);
}

async function finish<T extends Result>(
  backend: Backend,
  counter: Uint32Array,
  kind: AsyncKernelName,
  n: number,
  a: number,
  b: number,
  x?: Float32Array,
  out?: T,
): Promise<T> {
  const result = (
    backend.kernelAsync ? await backend.kernelAsync(kind, n, counter, a, b, x) : syncKernel(backend, kind, n, counter, a, b, x)
  ) as T;
  if (!out) return result;
  // the expected type is the result's own: read from its slot, never from out.constructor
  const ctor = (globalThis as unknown as Record<string, { new (n: number): T; name: string }>)[viewTagOf(result) as string];
  (checkArray('out', out, ctor) as unknown as Float32Array).set(result as unknown as Float32Array);
  return out;
}

/** Promise form of `randomBits(n)`: n raw Philox words. */
export async function randomBitsAsync(n: number, options?: StreamOptions): Promise<Uint32Array> {
  const opts = checkOptions('options', options);
  checkCount('n', n);
  return start<Uint32Array>(opts, 'randomBits', n, streamWords.randomBits(n), 0, 0);
}

/** Promise form of `uniform(n)`. */
export async function uniformAsync(n: number, options?: StreamOptions): Promise<Float32Array> {
  const opts = checkOptions('options', options);
  checkCount('n', n);
  return start<Float32Array>(opts, 'uniform', n, streamWords.uniform(n), 0, 0);
}

/** Promise form of `normal(n, {mean, std})`. */
export async function normalAsync(n: number, options?: NormalOptions): Promise<Float32Array> {
  const opts = checkOptions('options', options);
  checkCount('n', n);
  const mean = opts.mean === undefined ? 0 : checkFloat32('mean', opts.mean);
  const std = opts.std === undefined ? 1 : checkFloat32('std', opts.std, 0);
  return start<Float32Array>(opts, 'normal', n, streamWords.normal(n), Math.fround(mean), Math.fround(std));
}

/** Promise form of `bernoulliMask(n, {p, layout})`. */
export function bernoulliMaskAsync(n: number, options: BernoulliMaskOptions & { layout?: 'float32' }): Promise<Float32Array>;
export function bernoulliMaskAsync(n: number, options: BernoulliMaskOptions & { layout: 'uint8' }): Promise<Uint8Array>;
export function bernoulliMaskAsync(n: number, options: BernoulliMaskOptions & { layout: 'bits' }): Promise<Uint32Array>;
export async function bernoulliMaskAsync(n: number, options: BernoulliMaskOptions): Promise<Result> {
  const opts = checkOptions('options', options);
  checkCount('n', n);
  const t = dropThreshold(opts.p as number);
  const layout = opts.layout === undefined ? 'float32' : checkOneOf('layout', opts.layout, MASK_LAYOUTS);
  const kind = layout === 'float32' ? 'bernoulliF32' : layout === 'uint8' ? 'bernoulliU8' : 'bernoulliBits';
  const scale = t === 65536 ? 0 : Math.fround(65536 / (65536 - t));
  return start<Result>(opts, kind, n, streamWords.bernoulli(n), t, scale);
}

/**
 * Promise form of `dropout(x, options)`. The element-wise mask runs off-thread; broadcast noise
 * shapes and 'eval' run the sync form (their work is the broadcast, not the generator).
 */
export async function dropoutAsync(x: Float32Array, options: DropoutOptions): Promise<Float32Array> {
  const opts = checkOptions('options', options);
  x = checkArray('x', x, Float32Array);
  const t = dropThreshold(opts.p as number);
  const shape = checkShape('shape', opts.shape, x.length);
  const mode = checkMode(opts.mode);
  const testTime =
    (opts.scaling === undefined ? 'inverted' : checkOneOf('scaling', opts.scaling, DROPOUT_SCALINGS)) === 'test-time';
  if (mode === 'eval' || product(checkNoiseShape(opts.noiseShape, shape)) !== x.length) {
    return dropout(x, opts as unknown as DropoutOptions);
  }
  const out = opts.out === undefined ? undefined : checkArray('out', opts.out, Float32Array);
  if (out && out.length !== x.length) throw new RangeError(`Expected out.length to be ${x.length} but received ${out.length}`);
  const scale = testTime ? 1 : t === 65536 ? 0 : Math.fround(65536 / (65536 - t));
  return start(opts, 'dropout', x.length, streamWords.bernoulli(x.length), t, scale, x, out);
}

/** Promise form of `gaussianNoise(x, {std})`. */
export async function gaussianNoiseAsync(x: Float32Array, options: GaussianNoiseOptions): Promise<Float32Array> {
  const opts = checkOptions('options', options);
  x = checkArray('x', x, Float32Array);
  const std = checkFloat32('std', opts.std, 0);
  const mode = checkMode(opts.mode);
  if (mode === 'eval') return gaussianNoise(x, opts as unknown as GaussianNoiseOptions);
  const out = opts.out === undefined ? undefined : checkArray('out', opts.out, Float32Array);
  if (out && out.length !== x.length) throw new RangeError(`Expected out.length to be ${x.length} but received ${out.length}`);
  return start(opts, 'gaussianNoise', x.length, streamWords.normal(x.length), 0, Math.fround(std), x, out);
}
