// A drop-in tf.layers.alphaDropout (SELU networks) with masks from dropmask's stream.
import { tf } from '../tf';
import type { Tensors } from '../tf';
import type { Generator } from '../dropmask';
import { checkProbability } from '../../core/errors';
import { alphaDropout as alphaDropoutOp } from '../ops/alpha_dropout';
import { StochasticMode, StreamLayer, StreamLayerArgs, oneTensor } from './stream_layer';
import { checkNoiseShapeArg } from './args';

/** Arguments of `layers.alphaDropout`. */
export interface AlphaDropoutLayerArgs extends StreamLayerArgs {
  /** Drop probability in [0, 1]. */
  rate: number;
  /** Shape of the mask, broadcast over the input as in `layers.dropout`. */
  noiseShape?: (number | null)[] | null;
}

/**
 * AlphaDropout: dropped units take SELU's saturation value, and an affine correction keeps mean 0
 * and variance 1. Training call k equals `dropmask.alphaDropout(x, { p: rate, noiseShape, seed,
 * stream, offset_k })`. Inference is the identity.
 */
export class AlphaDropout extends StreamLayer {
  static readonly className = 'DropmaskAlphaDropout';
  readonly rate: number;
  readonly noiseShape: (number | null)[] | null;

  constructor(args: AlphaDropoutLayerArgs) {
    super(args);
    this.rate = checkProbability('rate', args.rate);
    this.noiseShape = checkNoiseShapeArg(args.noiseShape);
  }

  protected stochastic(inputs: Tensors, mode: StochasticMode, generator: Generator): Tensors {
    return alphaDropoutOp(oneTensor(inputs, 'alphaDropout'), {
      p: this.rate,
      noiseShape: this.noiseShape ?? undefined,
      mode,
      generator,
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, noiseShape: this.noiseShape };
  }
}
