// A drop-in tf.layers.dropout: the same config names, masks from dropmask's stream.
import { tf } from '../tf';
import type { Tensors } from '../tf';
import type { DropoutScaling, Generator } from '../dropmask';
import { checkOneOf, checkProbability } from '../../core/errors';
import { dropout as dropoutOp } from '../ops/dropout';
import { StochasticMode, StreamLayer, StreamLayerArgs, oneTensor } from './stream_layer';
import { checkNoiseShapeArg } from './args';

/** Arguments of `layers.dropout`: tf.layers.dropout's, plus the stream and the scaling. */
export interface DropoutLayerArgs extends StreamLayerArgs {
  /** Fraction of the input units to drop, in [0, 1]. */
  rate: number;
  /** Shape of the mask, broadcast over the input: 1 shares a decision along a dimension, null is the input's size. */
  noiseShape?: (number | null)[] | null;
  /** 'inverted' (default): x·m/q in training, x at inference. 'test-time': x·m in training, q·x at inference. */
  scaling?: DropoutScaling;
}

/**
 * Inverted dropout. Training call k equals `dropmask.dropout(x, { p: rate, shape: x.shape,
 * noiseShape, seed, stream, offset: offset_k })` bit for bit; inference is the identity.
 */
export class Dropout extends StreamLayer {
  static readonly className = 'DropmaskDropout';
  readonly rate: number;
  readonly noiseShape: (number | null)[] | null;
  readonly scaling: DropoutScaling;

  constructor(args: DropoutLayerArgs) {
    super(args);
    this.rate = checkProbability('rate', args?.rate);
    this.noiseShape = checkNoiseShapeArg(args.noiseShape);
    this.scaling =
      args.scaling === undefined ? 'inverted' : checkOneOf('scaling', args.scaling, ['inverted', 'test-time'] as const);
  }

  protected stochastic(inputs: Tensors, mode: StochasticMode, generator: Generator): Tensors {
    const x = oneTensor(inputs, 'dropout');
    return dropoutOp(x, { p: this.rate, noiseShape: this.noiseShape ?? undefined, scaling: this.scaling, mode, generator });
  }

  protected override inference(inputs: Tensors): Tensors {
    if (this.scaling === 'inverted') return inputs;
    return dropoutOp(oneTensor(inputs, 'dropout'), { p: this.rate, scaling: this.scaling, mode: 'eval' });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, noiseShape: this.noiseShape, scaling: this.scaling };
  }
}
