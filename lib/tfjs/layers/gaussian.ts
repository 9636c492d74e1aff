// Drop-in tf.layers.gaussianDropout and tf.layers.gaussianNoise with noise from dropmask's stream.
import { tf } from '../tf';
import type { Tensors } from '../tf';
import type { Generator } from '../dropmask';
import { checkFloat32, checkNumber } from '../../core/errors';
import { additiveGaussianNoise, gaussianDropout as gaussianDropoutOp } from '../ops/gaussian';
import { StochasticMode, StreamLayer, StreamLayerArgs, oneTensor } from './stream_layer';

/** Arguments of `layers.gaussianDropout`. */
export interface GaussianDropoutLayerArgs extends StreamLayerArgs {
  /** The matched drop probability in [0, 1): multiplicative noise N(1, rate / (1 − rate)). */
  rate: number;
}

/**
 * Gaussian dropout: y = x ⊙ ξ, ξ ~ N(1, rate/(1 − rate)); training call k equals
 * `dropmask.gaussianDropout(x, { p: rate, seed, stream, offset_k })`. Inference is the identity.
 */
export class GaussianDropout extends StreamLayer {
  static readonly className = 'DropmaskGaussianDropout';
  readonly rate: number;

  constructor(args: GaussianDropoutLayerArgs) {
    super(args);
    this.rate = checkNumber('rate', args.rate, 0, 1 - Number.EPSILON);
  }

  protected stochastic(inputs: Tensors, mode: StochasticMode, generator: Generator): Tensors {
    return gaussianDropoutOp(oneTensor(inputs, 'gaussianDropout'), { p: this.rate, mode, generator });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate };
  }
}

/** Arguments of `layers.gaussianNoise`. */
export interface GaussianNoiseLayerArgs extends StreamLayerArgs {
  /** Standard deviation of the additive noise, ≥ 0. */
  stddev: number;
}

/**
 * Additive Gaussian noise (tf.layers.gaussianNoise): y = x + z, z ~ N(0, stddev²); training call
 * k adds `dropmask.normal(x.size, { std: stddev, seed, stream, offset_k })`. Inference is the identity.
 */
export class GaussianNoise extends StreamLayer {
  static readonly className = 'DropmaskGaussianNoise';
  readonly stddev: number;

  constructor(args: GaussianNoiseLayerArgs) {
    super(args);
    this.stddev = checkFloat32('stddev', args.stddev, 0);
  }

  protected stochastic(inputs: Tensors, mode: StochasticMode, generator: Generator): Tensors {
    return additiveGaussianNoise(oneTensor(inputs, 'gaussianNoise'), { stddev: this.stddev, mode, generator });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), stddev: this.stddev };
  }
}
