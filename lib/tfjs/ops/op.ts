// What every op shares: argument checks, the forward mode, and the op whose randomness does not
// depend on its input (y = x ⊙ F + A with F, A drawn from the stream), which runs dropmask on the
// tensor memory of host backends and uploads F and A to device backends.
import { tf } from '../tf';
import type { Generator, StreamPosition } from '../dropmask';
import { checkOneOf, typeError } from '../../core/errors';
import { OpStreamOptions, Placement, generatorAt } from '../position';
import { fromValues, hostBackend, hostCompute1 } from '../tensor_io';

type Tensor = tf.Tensor;

/** 'train' and 'mc' draw (MC dropout is a stochastic pass at inference); 'eval' is the method's inference rule. */
export type OpMode = 'train' | 'mc' | 'eval';
const MODES: readonly OpMode[] = ['train', 'mc', 'eval'];

/** Options every op takes: where it draws, and its mode. */
export interface OpOptions extends OpStreamOptions {
  /** 'train' (default) and 'mc' draw from the stream; 'eval' applies the method's inference rule and draws nothing. */
  mode?: OpMode;
}

/** Storage order of a feature-map tensor: 'NHWC' (tfjs' default, channels last) or 'NCHW'. */
export type TensorLayout = 'NHWC' | 'NCHW';
export const checkTensorLayout = (value: unknown): TensorLayout =>
  value === undefined ? 'NHWC' : checkOneOf('layout', value, ['NHWC', 'NCHW'] as const);

export const checkMode = (value: unknown): OpMode => (value === undefined ? 'train' : checkOneOf('mode', value, MODES));

/** A tf.Tensor argument. */
export function checkTensor(name: string, value: unknown): Tensor {
  if (!(value instanceof tf.Tensor)) throw typeError(name, 'a tf.Tensor', value);
  if (value.isDisposed) throw new TypeError(`Expected a tf.Tensor for ${name} but it is disposed`);
  return value;
}

const REAL_DTYPES: readonly string[] = ['float32', 'int32', 'bool'];

/** A tf.Tensor of real numbers: the host kernels read its values cast to float32 (a string or complex64 tensor has none). */
export function checkRealTensor(name: string, value: unknown): Tensor {
  const t = checkTensor(name, value);
  if (!REAL_DTYPES.includes(t.dtype))
    throw new TypeError(`Expected a float32, int32 or bool tf.Tensor for ${name} but received a ${t.dtype} tensor`);
  return t;
}

/** A tensor of `rank` dimensions. */
export function checkRank(name: string, t: Tensor, rank: number, what: string): Tensor {
  if (t.rank !== rank)
    throw new RangeError(`Expected ${name} of rank ${rank} (${what}) but received shape [${t.shape.join(', ')}]`);
  return t;
}

/** The noise of a call as factors: y = x ⊙ factor + addend, both broadcast from `shape` (null: none). */
export interface Noise {
  shape: number[];
  factor: Float32Array | null;
  addend: Float32Array | null;
}

/** An op whose randomness does not depend on x, in its three forms. */
export interface NoiseOpSpec {
  /** Host backends: dropmask's forward over x's memory into out, drawing from `generator`. */
  forward(x: Float32Array, out: Float32Array, generator: Generator): void;
  /** Host backends: dropmask's backward, dx from dy at the forward call's position; null when dx = dy. */
  backward: ((dy: Float32Array, dx: Float32Array, position: StreamPosition) => void) | null;
  /** Device backends: the call's noise at the generator's position (drawing exactly what `forward` draws). */
  noise(generator: Generator): Noise;
}

function applyNoise(x: Tensor, noise: Noise, withAddend: boolean): Tensor {
  const shape = x.rank === 0 ? [] : noise.shape; // dropmask sees a scalar as [1]
  let y = x;
  if (noise.factor) y = tf.mul(y, fromValues(noise.factor, shape));
  if (withAddend && noise.addend) y = tf.add(y, fromValues(noise.addend, shape));
  return y === x ? tf.clone(x) : y;
}

/**
 * Runs a noise op with a gradient that regenerates the noise from the forward call's position
 * (tf.customGrad; nothing of the mask is kept for the backward pass).
 */
export function noiseOp(x: Tensor, placement: Placement, spec: NoiseOpSpec): Tensor {
  const op = tf.customGrad((input) => {
    const xt = input as Tensor;
    const value = hostBackend()
      ? hostCompute1([xt], xt.shape, ([xv], out) => spec.forward(xv, out, placement.generator))
      : applyNoise(xt, spec.noise(placement.generator), true);
    const gradFunc = (dy: Tensor): Tensor => {
      const backward = spec.backward;
      if (!backward) return tf.clone(dy);
      if (hostBackend()) return hostCompute1([dy], dy.shape, ([d], dx) => backward(d, dx, placement.position));
      return applyNoise(dy, spec.noise(generatorAt(placement.position)), false);
    };
    return { value, gradFunc };
  });
  return op(x);
}

/** The identity of 'eval' mode as a new tensor handle (shares x's data). */
export const identity = (x: Tensor): Tensor => tf.clone(x);
