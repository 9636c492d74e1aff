// DropPath / stochastic depth as a layer: on a residual branch alone (timm's DropPath), or on
// [shortcut, branch] returning their sum (keras-cv's StochasticDepth).
import { tf } from '../tf';
import type { Shape, Tensors } from '../tf';
import type { DropPathGranularity, DropoutScaling, Generator } from '../dropmask';
import { checkOneOf, checkProbability } from '../../core/errors';
import { dropPath as dropPathOp } from '../ops/drop_path';
import { StochasticMode, StreamLayer, StreamLayerArgs } from './stream_layer';

/** Arguments of `layers.dropPath`. */
export interface DropPathLayerArgs extends StreamLayerArgs {
  /** Drop probability of the branch (1 − survival). */
  rate: number;
  /** 'row' (default): one decision per example; 'batch': one for the batch (the original paper). */
  granularity?: DropPathGranularity;
  /** 'inverted' (default): train (b/q)·F, infer F. 'test-time': train b·F, infer q·F. */
  scaling?: DropoutScaling;
}

/**
 * DropPath: with one input F, y = (b/q)·F; with [x, F], y = x + (b/q)·F, b ~ Bernoulli(1 − rate)
 * per example. Training call k equals `dropmask.dropPath(x, F, { p: rate, shape, granularity,
 * scaling, seed, stream, offset_k })` (x = 0 for one input). Inference: F (or q·F), plus x.
 */
export class DropPath extends StreamLayer {
  static readonly className = 'DropmaskDropPath';
  readonly rate: number;
  readonly granularity: DropPathGranularity;
  readonly scaling: DropoutScaling;

  constructor(args: DropPathLayerArgs) {
    super(args);
    this.rate = checkProbability('rate', args.rate);
    this.granularity =
      args.granularity === undefined ? 'row' : checkOneOf('granularity', args.granularity, ['row', 'batch'] as const);
    this.scaling =
      args.scaling === undefined ? 'inverted' : checkOneOf('scaling', args.scaling, ['inverted', 'test-time'] as const);
  }

  private split(inputs: Tensors): [tf.Tensor | null, tf.Tensor] {
    if (!Array.isArray(inputs)) return [null, inputs];
    if (inputs.length === 1) return [null, inputs[0]];
    if (inputs.length === 2) return [inputs[0], inputs[1]];
    throw new TypeError(`Expected a branch tensor or [shortcut, branch] for dropPath but received ${inputs.length} tensors`);
  }

  protected stochastic(inputs: Tensors, mode: StochasticMode, generator: Generator): Tensors {
    const [x, branch] = this.split(inputs);
    return dropPathOp(x, branch, { p: this.rate, granularity: this.granularity, scaling: this.scaling, mode, generator });
  }

  protected override inference(inputs: Tensors): Tensors {
    const [x, branch] = this.split(inputs);
    if (this.scaling === 'inverted') return x === null ? branch : tf.add(x, branch);
    return dropPathOp(x, branch, { p: this.rate, granularity: this.granularity, scaling: this.scaling, mode: 'eval' });
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return Array.isArray(inputShape[0]) ? (inputShape as Shape[])[(inputShape as Shape[]).length - 1] : inputShape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, granularity: this.granularity, scaling: this.scaling };
  }
}
