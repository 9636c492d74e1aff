// LSTM and GRU layers with dropmask's recurrent dropout placements: Gal's variational dropout
// (tf.layers' dropout/recurrentDropout arguments), forward dropout, RNNDrop and Semeniuta's.
import { tf, tfl } from '../tf';
import type { Shape, Tensors } from '../tf';
import * as dm from '../dropmask';
import { checkCount, checkOneOf, checkProbability, rangeError, typeError } from '../../core/errors';
import { gru as gruOp, lstm as lstmOp, stepOf } from '../ops/recurrent';
import { StochasticMode, StreamLayer, StreamLayerArgs, oneTensor } from './stream_layer';
import { initializerArg, serializeObject } from './serialized';

type LayerVariable = tfl.LayerVariable;
type Initializer = ReturnType<typeof tfl.initializers.glorotUniform>;

/** Where a recurrent layer puts its masks (see the README's recurrent methods table). */
export type RecurrentDropoutKind = 'gal' | 'forward' | 'rnndrop' | 'semeniuta';

/** Arguments of `layers.lstm` and `layers.gru`. */
export interface RecurrentLayerArgs extends StreamLayerArgs {
  /** Size of the hidden state. */
  units: number;
  /** Return every step's output [N, T, units] (true) or the last one [N, units] (false, default). */
  returnSequences?: boolean;
  /** Also return the final states: [output, h, c] (LSTM) or [output, h] (GRU). Default false. */
  returnState?: boolean;
  /** Drop rate of the input x_t ('gal': per sequence and gate, 'forward': every step). Default 0. */
  dropout?: number;
  /** Drop rate of the recurrent path ('gal': h_{t−1}; 'rnndrop': the cell; 'semeniuta': the candidate). Default 0. */
  recurrentDropout?: number;
  /** Placement of the masks. Default 'gal' (what tf.layers' dropout and recurrentDropout do). */
  dropoutKind?: RecurrentDropoutKind;
  /** 'gal': one mask for all gates (true) or one per gate (false, default, as tf.layers). */
  tied?: boolean;
  /** 'rnndrop': where the 1/q goes. Default 'inverted-h'. */
  rnndropScaling?: dm.RnnDropScaling;
  /** 'semeniuta': a mask every step (default) or one per sequence. */
  maskSampling?: 'per-step' | 'per-sequence';
  /** Initializer of the input kernel. Default 'glorotUniform'. */
  kernelInitializer?: string | Initializer | tf.serialization.ConfigDict;
  /** Initializer of the recurrent kernel. Default 'orthogonal'. */
  recurrentInitializer?: string | Initializer | tf.serialization.ConfigDict;
  /** Initializer of the biases. Default 'zeros'. */
  biasInitializer?: string | Initializer | tf.serialization.ConfigDict;
  /** LSTM: start the forget gate's bias at 1 (Jozefowicz et al. 2015). Default true. */
  unitForgetBias?: boolean;
}

const checkBool = (name: string, value: unknown, fallback: boolean): boolean => {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'boolean') throw typeError(name, 'a boolean', value);
  return value;
};

/** What LSTM and GRU share: arguments, weights, the mask placement and the outputs. */
abstract class RecurrentLayer extends StreamLayer {
  readonly units: number;
  readonly returnSequences: boolean;
  readonly returnState: boolean;
  readonly dropout: number;
  readonly recurrentDropout: number;
  readonly dropoutKind: RecurrentDropoutKind;
  readonly tied: boolean;
  readonly rnndropScaling: dm.RnnDropScaling;
  readonly maskSampling: 'per-step' | 'per-sequence';
  protected readonly kernelInitializer: Initializer;
  protected readonly recurrentInitializer: Initializer;
  protected readonly biasInitializer: Initializer;
  protected abstract readonly gates: number;
  protected kernel: LayerVariable | null = null;
  protected recurrentKernel: LayerVariable | null = null;
  protected bias: LayerVariable | null = null;

  constructor(args: RecurrentLayerArgs) {
    super(args);
    this.supportsMasking = false;
    this.units = checkCount('units', args.units);
    if (this.units < 1) throw rangeError('units', 'a positive integer', args.units);
    this.returnSequences = checkBool('returnSequences', args.returnSequences, false);
    this.returnState = checkBool('returnState', args.returnState, false);
    this.dropout = args.dropout === undefined ? 0 : checkProbability('dropout', args.dropout);
    this.recurrentDropout = args.recurrentDropout === undefined ? 0 : checkProbability('recurrentDropout', args.recurrentDropout);
    this.dropoutKind =
      args.dropoutKind === undefined
        ? 'gal'
        : checkOneOf('dropoutKind', args.dropoutKind, ['gal', 'forward', 'rnndrop', 'semeniuta'] as const);
    this.tied = checkBool('tied', args.tied, false);
    this.rnndropScaling =
      args.rnndropScaling === undefined
        ? 'inverted-h'
        : checkOneOf('rnndropScaling', args.rnndropScaling, [
            'inverted-h',
            'reproduce-inverted-c',
            'reproduce-testtime-c',
          ] as const);
    this.maskSampling =
      args.maskSampling === undefined
        ? 'per-step'
        : checkOneOf('maskSampling', args.maskSampling, ['per-step', 'per-sequence'] as const);
    if (this.dropoutKind === 'forward' && this.recurrentDropout !== 0) {
      throw new RangeError(
        `Expected recurrentDropout 0 with dropoutKind 'forward' (it masks x_t only) but received ${this.recurrentDropout}`,
      );
    }
    if ((this.dropoutKind === 'rnndrop' || this.dropoutKind === 'semeniuta') && this.dropout !== 0) {
      throw new RangeError(
        `Expected dropout 0 with dropoutKind '${this.dropoutKind}' (it masks the recurrent path only) but received ${this.dropout}`,
      );
    }
    this.kernelInitializer = initializerArg('kernelInitializer', args.kernelInitializer, 'glorotUniform');
    this.recurrentInitializer = initializerArg('recurrentInitializer', args.recurrentInitializer, 'orthogonal');
    this.biasInitializer = initializerArg('biasInitializer', args.biasInitializer, 'zeros');
  }

  /** dropmask's placement of this layer's masks. */
  placement(): dm.RnnDropout {
    switch (this.dropoutKind) {
      case 'gal':
        return this.dropout === 0 && this.recurrentDropout === 0
          ? { kind: 'none' }
          : { kind: 'gal', px: this.dropout, ph: this.recurrentDropout, tied: this.tied };
      case 'forward':
        return this.dropout === 0 ? { kind: 'none' } : { kind: 'forward', p: this.dropout };
      case 'rnndrop':
        return this.recurrentDropout === 0
          ? { kind: 'none' }
          : { kind: 'rnndrop', p: this.recurrentDropout, scaling: this.rnndropScaling };
      case 'semeniuta':
        return this.recurrentDropout === 0
          ? { kind: 'none' }
          : { kind: 'semeniuta', p: this.recurrentDropout, maskSampling: this.maskSampling };
    }
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    if (shape.length !== 3)
      throw new RangeError(`Expected an input of rank 3 ([batch, steps, features]) but received [${shape.join(', ')}]`);
    const D = shape[2];
    if (D === null) throw new RangeError('Expected a known feature dimension for a recurrent layer but the input shape has null');
    const G = this.gates * this.units;
    this.kernel = this.addWeight('kernel', [D, G], 'float32', this.kernelInitializer, undefined, true);
    this.recurrentKernel = this.addWeight(
      'recurrent_kernel',
      [this.units, G],
      'float32',
      this.recurrentInitializer,
      undefined,
      true,
    );
    this.bias = this.addWeight('bias', [G], 'float32', this.biasInitializer, undefined, true);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const state: Shape = [shape[0], this.units];
    const output: Shape = this.returnSequences ? [shape[0], shape[1], this.units] : state;
    return this.returnState ? [output, ...Array(this.stateCount()).fill(state)] : output;
  }

  /** How many final states `returnState` adds. */
  protected abstract stateCount(): number;

  /** Runs the op: every step's output and the final states. */
  protected abstract run(
    x: tf.Tensor,
    mode: 'train' | 'mc' | 'eval',
    generator?: dm.Generator,
  ): { output: tf.Tensor; states: tf.Tensor[] };

  private outputs(inputs: Tensors, mode: 'train' | 'mc' | 'eval', generator?: dm.Generator): Tensors {
    const { output, states } = this.run(oneTensor(inputs, this.getClassName()), mode, generator);
    // The last emitted step, not the final state: with RNNDrop's 'inverted-h' scaling in training
    // the op emits h / q and carries h (Keras: [last output, h, c] with returnState).
    const y = this.returnSequences ? output : stepOf(output, output.shape[1]! - 1);
    return this.returnState ? [y, ...states] : y;
  }

  protected stochastic(inputs: Tensors, mode: StochasticMode, generator: dm.Generator): Tensors {
    return this.outputs(inputs, mode, generator);
  }

  protected override inference(inputs: Tensors): Tensors {
    return this.outputs(inputs, 'eval');
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      units: this.units,
      returnSequences: this.returnSequences,
      returnState: this.returnState,
      dropout: this.dropout,
      recurrentDropout: this.recurrentDropout,
      dropoutKind: this.dropoutKind,
      tied: this.tied,
      rnndropScaling: this.rnndropScaling,
      maskSampling: this.maskSampling,
      kernelInitializer: serializeObject(this.kernelInitializer),
      recurrentInitializer: serializeObject(this.recurrentInitializer),
      biasInitializer: serializeObject(this.biasInitializer),
    };
  }
}

/**
 * An LSTM layer (tf.layers.lstm's weights: kernel [D, 4H], recurrent_kernel [H, 4H], bias [4H],
 * gates i, f, c, o; sigmoid gates rather than tfjs' default hard sigmoid). Training call k equals
 * `dropmask.lstm(x, { W: kernelᵀ, U: recurrent_kernelᵀ, b: bias }, { dropout: placement(), seed,
 * stream, offset_k })`; inference uses no masks.
 */
export class LSTM extends RecurrentLayer {
  static readonly className = 'DropmaskLSTM';
  protected readonly gates = 4;
  readonly unitForgetBias: boolean;

  constructor(args: RecurrentLayerArgs) {
    super(args);
    this.unitForgetBias = checkBool('unitForgetBias', args.unitForgetBias, true);
  }

  override build(inputShape: Shape | Shape[]): void {
    super.build(inputShape);
    if (this.unitForgetBias && this.bias) {
      const H = this.units;
      const b = this.bias.read();
      this.bias.write(tf.tidy(() => tf.concat([tf.slice(b, [0], [H]), tf.ones([H]), tf.slice(b, [2 * H], [2 * H])])));
    }
  }

  protected stateCount(): number {
    return 2;
  }

  protected run(
    x: tf.Tensor,
    mode: 'train' | 'mc' | 'eval',
    generator?: dm.Generator,
  ): { output: tf.Tensor; states: tf.Tensor[] } {
    const { output, h, c } = lstmOp(x, this.kernel!.read(), this.recurrentKernel!.read(), this.bias!.read(), {
      dropout: this.placement(),
      mode,
      ...(generator ? { generator } : {}),
    });
    return { output, states: [h, c] };
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), unitForgetBias: this.unitForgetBias };
  }
}

/**
 * A GRU layer in dropmask's formulation (gates r, z, n; h_t = (1 − z) ⊙ h_{t−1} + z ⊙ n; the reset
 * gate applied after the recurrent product): kernel [D, 3H], recurrent_kernel [H, 3H], bias [3H]
 * and recurrent_bias [3H]. Training call k equals `dropmask.gru(x, { W: kernelᵀ, U:
 * recurrent_kernelᵀ, bW: bias, bU: recurrent_bias }, { dropout: placement(), seed, stream, offset_k })`.
 */
export class GRU extends RecurrentLayer {
  static readonly className = 'DropmaskGRU';
  protected readonly gates = 3;
  private recurrentBias: LayerVariable | null = null;

  override build(inputShape: Shape | Shape[]): void {
    super.build(inputShape);
    this.recurrentBias = this.addWeight('recurrent_bias', [3 * this.units], 'float32', this.biasInitializer, undefined, true);
  }

  protected stateCount(): number {
    return 1;
  }

  protected run(
    x: tf.Tensor,
    mode: 'train' | 'mc' | 'eval',
    generator?: dm.Generator,
  ): { output: tf.Tensor; states: tf.Tensor[] } {
    const { output, h } = gruOp(
      x,
      this.kernel!.read(),
      this.recurrentKernel!.read(),
      this.bias!.read(),
      this.recurrentBias!.read(),
      {
        dropout: this.placement(),
        mode,
        ...(generator ? { generator } : {}),
      },
    );
    return { output, states: [h] };
  }
}
