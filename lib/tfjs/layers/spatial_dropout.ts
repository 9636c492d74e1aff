// Drop-in spatial dropout layers: tf.layers.spatialDropout1d and the 2-D and 3-D forms Keras has.
import { tf } from '../tf';
import type { DataFormat, Tensors } from '../tf';
import type { Generator } from '../dropmask';
import { checkProbability } from '../../core/errors';
import { spatialDropout as spatialDropoutOp } from '../ops/spatial_dropout';
import { StochasticMode, StreamLayer, StreamLayerArgs, oneTensor } from './stream_layer';
import { dataFormatOf, layoutOf } from './args';

/** Arguments of `layers.spatialDropout1d`, `spatialDropout2d` and `spatialDropout3d`. */
export interface SpatialDropoutLayerArgs extends StreamLayerArgs {
  /** Fraction of the feature maps to drop, in [0, 1]. */
  rate: number;
  /** 'channelsLast' (default: [N, …, C]) or 'channelsFirst' ([N, C, …]); spatialDropout1d is always channels last. */
  dataFormat?: DataFormat;
}

/**
 * Spatial dropout of a 1-D, 2-D or 3-D map: one decision per (example, channel). Training call k
 * equals `dropmask.spatialDropout(x, { p: rate, shape: x.shape, layout, seed, stream, offset_k })`.
 */
abstract class SpatialDropout extends StreamLayer {
  readonly rate: number;
  readonly layout: 'NHWC' | 'NCHW';
  protected abstract readonly spatialRank: number;

  constructor(args: SpatialDropoutLayerArgs) {
    super(args);
    this.rate = checkProbability('rate', args.rate);
    this.layout = layoutOf(args.dataFormat);
  }

  protected stochastic(inputs: Tensors, mode: StochasticMode, generator: Generator): Tensors {
    const x = oneTensor(inputs, this.getClassName());
    if (x.rank !== this.spatialRank + 2) {
      throw new RangeError(
        `Expected an input of rank ${this.spatialRank + 2} for ${this.getClassName()} but received shape [${x.shape.join(', ')}]`,
      );
    }
    return spatialDropoutOp(x, { p: this.rate, layout: this.layout, mode, generator });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, dataFormat: dataFormatOf(this.layout) };
  }
}

/** Spatial dropout over [N, steps, channels] (tf.layers.spatialDropout1d). */
export class SpatialDropout1D extends SpatialDropout {
  static readonly className = 'DropmaskSpatialDropout1D';
  protected readonly spatialRank = 1;
}

/** Spatial dropout over [N, H, W, C] or [N, C, H, W] (Keras SpatialDropout2D). */
export class SpatialDropout2D extends SpatialDropout {
  static readonly className = 'DropmaskSpatialDropout2D';
  protected readonly spatialRank = 2;
}

/** Spatial dropout over [N, D, H, W, C] or [N, C, D, H, W] (Keras SpatialDropout3D). */
export class SpatialDropout3D extends SpatialDropout {
  static readonly className = 'DropmaskSpatialDropout3D';
  protected readonly spatialRank = 3;
}
