// A small multilayer perceptron with dropout between its layers, trainable with Adam, so that
// Monte Carlo dropout works out of the box: train it, then call `predict` for mean and spread.
import { alphaDropout, alphaDropoutBackward } from '../dense/alpha_dropout';
import type { BackendName } from '../../backends/interface';
import { dropConnect, dropConnectBackward } from '../dense/dropconnect';
import { dropout, dropoutBackward } from '../dense/dropout';
import { Mode } from '../../core/method';
import { checkArray, checkCount, checkNumber, checkOneOf, checkOptions, rangeError, typeError } from '../../core/errors';
import { gaussianDropout, gaussianDropoutBackward } from '../dense/gaussian_dropout';
import { Generator, StreamPosition, isGenerator } from '../../core/generator';
import { linear } from '../dense/linear';
import { McPrediction, McPredictOptions, mcPredict } from './mc_dropout';
import { normal, uniform } from '../../core/random';
import { getBackend } from '../../backends/select';
import type { UInt64Like } from '../../core/stream';

/** The dropout of every hidden layer: on activations (dropout, gaussian, alpha) or on weights (dropconnect). */
export type MlpDropoutMethod = 'none' | 'dropout' | 'gaussian' | 'alpha' | 'dropconnect';
const METHODS: readonly MlpDropoutMethod[] = ['none', 'dropout', 'gaussian', 'alpha', 'dropconnect'];
export type MlpActivation = 'relu' | 'tanh' | 'selu';
const ACTIVATIONS: readonly MlpActivation[] = ['relu', 'tanh', 'selu'];

/** Options of the Mlp constructor. */
export interface MlpOptions {
  /** Layer widths, input first: [1, 64, 64, 1] is two hidden layers of 64. */
  sizes: readonly number[];
  /** Hidden activation. Default 'relu' ('selu' pairs with 'alpha'). */
  activation?: MlpActivation;
  /** Dropout of the hidden layers. Default { method: 'dropout', p: 0.1 }. */
  dropout?: { method: MlpDropoutMethod; p?: number };
  /** Seed of the weight initialisation (He normal, zero biases). */
  seed: UInt64Like;
}

/** Options of `Mlp.forward`. */
export interface MlpForwardOptions {
  /** 'eval' (default): no dropout; 'train' and 'mc' draw masks from `generator` (or `seed`). */
  mode?: Mode;
  generator?: Generator;
  seed?: UInt64Like;
  backend?: BackendName;
}

/** Options of `Mlp.train`. */
export interface MlpTrainOptions {
  /** Passes over the data. Default 100. */
  epochs?: number;
  /** Examples per step. Default 32. */
  batchSize?: number;
  /** Adam step size. Default 0.01. */
  learningRate?: number;
  /** L2 weight decay λ (also sets MC dropout's τ, see mcPrecision). Default 1e-4. */
  weightDecay?: number;
  /** 'mse' (regression, default) or 'cross-entropy' (softmax over the outputs; y one-hot). */
  loss?: 'mse' | 'cross-entropy';
  /** Seed of the shuffles and the dropout masks. */
  seed: UInt64Like;
}

interface Layer {
  input: Float32Array;
  pre: Float32Array;
  /** Where the layer's dropout drew (activations after it; weights for dropconnect). */
  at?: StreamPosition;
}

const SELU_L = 1.0507009873554805,
  SELU_A = 1.6732632423543772;

export class Mlp {
  readonly sizes: number[];
  readonly activation: MlpActivation;
  readonly method: MlpDropoutMethod;
  readonly p: number;
  /** W_l [sizes[l+1], sizes[l]] and b_l [sizes[l+1]]. */
  readonly weights: Float32Array[] = [];
  readonly biases: Float32Array[] = [];

  constructor(options: MlpOptions) {
    const opts = checkOptions('options', options);
    if (!Array.isArray(opts.sizes) || opts.sizes.length < 2)
      throw typeError('sizes', 'an array of at least two layer widths', opts.sizes);
    this.sizes = opts.sizes.map((s, i) => {
      const n = checkCount(`sizes[${i}]`, s);
      if (n === 0) throw rangeError(`sizes[${i}]`, 'a positive integer', s);
      return n;
    });
    this.activation = opts.activation === undefined ? 'relu' : checkOneOf('activation', opts.activation, ACTIVATIONS);
    const d = opts.dropout === undefined ? { method: 'dropout', p: 0.1 } : checkOptions('dropout', opts.dropout);
    this.method = checkOneOf('dropout.method', d.method, METHODS);
    this.p = d.p === undefined ? 0.1 : checkNumber('dropout.p', d.p, 0, 1);
    const g = new Generator(opts.seed as UInt64Like);
    for (let l = 0; l + 1 < this.sizes.length; l++) {
      const [din, dout] = [this.sizes[l], this.sizes[l + 1]];
      this.weights.push(normal(din * dout, { generator: g, std: Math.sqrt((this.activation === 'relu' ? 2 : 1) / din) }));
      this.biases.push(new Float32Array(dout));
    }
  }

  private act(z: number): number {
    if (this.activation === 'relu') return z > 0 ? z : 0;
    if (this.activation === 'tanh') return Math.tanh(z);
    return z > 0 ? SELU_L * z : SELU_L * SELU_A * (Math.exp(z) - 1);
  }

  private actGrad(z: number): number {
    if (this.activation === 'relu') return z > 0 ? 1 : 0;
    if (this.activation === 'tanh') return 1 - Math.tanh(z) ** 2;
    return z > 0 ? SELU_L : SELU_L * SELU_A * Math.exp(z);
  }

  private run(
    x: Float32Array,
    mode: Mode,
    gen: Generator | undefined,
    backend: BackendName | undefined,
    layers?: Layer[],
  ): Float32Array {
    let h: Float32Array = checkArray('x', x, Float32Array);
    if (h.length % this.sizes[0] !== 0)
      throw new RangeError(`Expected x.length to be a multiple of ${this.sizes[0]} (input width) but received ${h.length}`);
    const L = this.weights.length,
      stochastic = mode !== 'eval' && this.method !== 'none' && this.p > 0;
    if (stochastic && !gen) throw new TypeError(`Expected a generator or seed for mode '${mode}'`);
    for (let l = 0; l < L; l++) {
      const shape = { inFeatures: this.sizes[l], outFeatures: this.sizes[l + 1], backend };
      const hidden = l + 1 < L;
      const layer: Layer = { input: h, pre: h };
      if (hidden && this.method === 'dropconnect' && stochastic) {
        layer.at = gen!.position();
        layer.pre = dropConnect(h, this.weights[l], this.biases[l], {
          ...shape,
          p: this.p,
          scaling: 'inverted',
          mode,
          generator: gen,
        });
      } else {
        layer.pre = linear(h, this.weights[l], this.biases[l], shape);
      }
      if (!hidden) {
        layers?.push(layer);
        return layer.pre;
      }
      let a: Float32Array = layer.pre.map((z) => this.act(z));
      if (stochastic && this.method !== 'dropconnect') {
        layer.at = gen!.position();
        const o = { p: this.p, mode, generator: gen, backend };
        a =
          this.method === 'dropout'
            ? dropout(a, { ...o, out: a })
            : this.method === 'gaussian'
              ? gaussianDropout(a, { ...o, out: a })
              : alphaDropout(a, { ...o, out: a });
      }
      layers?.push(layer);
      h = a;
    }
    return h;
  }

  /** Outputs [rows, sizes[last]] for x [rows, sizes[0]] (raw: no softmax). */
  forward(x: Float32Array, options: MlpForwardOptions = {}): Float32Array {
    const opts = checkOptions('options', options);
    const mode = opts.mode === undefined ? 'eval' : checkOneOf('mode', opts.mode, ['train', 'eval', 'mc'] as const);
    const gen = isGenerator(opts.generator)
      ? opts.generator
      : opts.seed !== undefined
        ? new Generator(opts.seed as UInt64Like)
        : undefined;
    return this.run(x, mode, gen, opts.backend as BackendName | undefined);
  }

  /**
   * Trains on x [n, sizes[0]], y [n, sizes[last]] with Adam and dropout in 'train' mode; returns
   * the mean loss of every epoch.
   */
  train(x: Float32Array, y: Float32Array, options: MlpTrainOptions): Float64Array {
    const opts = checkOptions('options', options);
    x = checkArray('x', x, Float32Array);
    y = checkArray('y', y, Float32Array);
    const din = this.sizes[0],
      dout = this.sizes[this.sizes.length - 1];
    const n = x.length / din;
    if (!Number.isInteger(n) || y.length !== n * dout)
      throw new RangeError(`Expected x [n, ${din}] and y [n, ${dout}] but received ${x.length} and ${y.length} values`);
    const epochs = opts.epochs === undefined ? 100 : checkCount('epochs', opts.epochs);
    const batch = opts.batchSize === undefined ? 32 : Math.max(1, checkCount('batchSize', opts.batchSize));
    const lr = opts.learningRate === undefined ? 0.01 : checkNumber('learningRate', opts.learningRate, 0);
    const lambda = opts.weightDecay === undefined ? 1e-4 : checkNumber('weightDecay', opts.weightDecay, 0);
    const ce =
      (opts.loss === undefined ? 'mse' : checkOneOf('loss', opts.loss, ['mse', 'cross-entropy'] as const)) === 'cross-entropy';
    if (opts.seed === undefined) throw new TypeError('Expected a seed for train (shuffles and masks) but received undefined');
    const gen = new Generator(opts.seed as UInt64Like);
    const params = [...this.weights, ...this.biases];
    const m = params.map((p) => new Float32Array(p.length)),
      v = params.map((p) => new Float32Array(p.length));
    const backend = getBackend();
    const losses = new Float64Array(epochs);
    let step = 0;
    for (let e = 0; e < epochs; e++) {
      const order = Array.from(uniform(n, { generator: gen }), (u, i) => [u, i])
        .sort((a, b) => a[0] - b[0])
        .map((a) => a[1]);
      for (let s = 0; s < n; s += batch) {
        const idx = order.slice(s, s + batch),
          B = idx.length;
        const xb = new Float32Array(B * din),
          yb = new Float32Array(B * dout);
        idx.forEach(
          (r, i) => (xb.set(x.subarray(r * din, (r + 1) * din), i * din), yb.set(y.subarray(r * dout, (r + 1) * dout), i * dout)),
        );
        const { loss, grads } = this.lossAndGradients(xb, yb, ce, gen, backend);
        losses[e] += (loss * B) / n;
        step++;
        params.forEach((p, k) => {
          const g = grads[k],
            mk = m[k],
            vk = v[k];
          const c1 = 1 - 0.9 ** step,
            c2 = 1 - 0.999 ** step;
          for (let i = 0; i < p.length; i++) {
            const gi = g[i] + (k < this.weights.length ? lambda * p[i] : 0);
            mk[i] = 0.9 * mk[i] + 0.1 * gi;
            vk[i] = 0.999 * vk[i] + 0.001 * gi * gi;
            p[i] -= (lr * (mk[i] / c1)) / (Math.sqrt(vk[i] / c2) + 1e-8);
          }
        });
      }
    }
    return losses;
  }

  /** Mean loss of one 'train' pass over a batch, and the gradients of weights then biases. */
  private lossAndGradients(
    xb: Float32Array,
    yb: Float32Array,
    ce: boolean,
    gen: Generator,
    backend: ReturnType<typeof getBackend>,
  ): { loss: number; grads: Float32Array[] } {
    const dout = this.sizes[this.sizes.length - 1],
      B = yb.length / dout;
    const layers: Layer[] = [];
    const out = this.run(xb, 'train', gen, undefined, layers);
    const dz = new Float32Array(out.length);
    let loss = 0;
    for (let i = 0; i < B; i++) {
      if (ce) {
        let max = -Infinity,
          sum = 0;
        for (let j = 0; j < dout; j++) max = Math.max(max, out[i * dout + j]);
        for (let j = 0; j < dout; j++) sum += Math.exp(out[i * dout + j] - max);
        for (let j = 0; j < dout; j++) {
          const pj = Math.exp(out[i * dout + j] - max) / sum;
          dz[i * dout + j] = (pj - yb[i * dout + j]) / B;
          loss -= (yb[i * dout + j] * Math.log(Math.max(pj, 1e-30))) / B;
        }
      } else {
        for (let j = 0; j < dout; j++) {
          const r = out[i * dout + j] - yb[i * dout + j];
          dz[i * dout + j] = r / B;
          loss += (r * r) / 2 / B;
        }
      }
    }
    return { loss, grads: this.backward(layers, dz, backend) };
  }

  /**
   * The mean loss of one 'train' pass on x, y (masks from `seed`) and its gradients with respect
   * to every weight and bias, without updating anything (what `train` does each step).
   */
  gradients(
    x: Float32Array,
    y: Float32Array,
    options: { seed: UInt64Like; loss?: 'mse' | 'cross-entropy' },
  ): { loss: number; dW: Float32Array[]; db: Float32Array[] } {
    const opts = checkOptions('options', options);
    x = checkArray('x', x, Float32Array);
    y = checkArray('y', y, Float32Array);
    if (opts.seed === undefined) throw new TypeError('Expected a seed for gradients (the dropout masks) but received undefined');
    const dout = this.sizes[this.sizes.length - 1];
    if (y.length * this.sizes[0] !== x.length * dout)
      throw new RangeError(`Expected x [n, ${this.sizes[0]}] and y [n, ${dout}] but received ${x.length} and ${y.length} values`);
    const ce =
      (opts.loss === undefined ? 'mse' : checkOneOf('loss', opts.loss, ['mse', 'cross-entropy'] as const)) === 'cross-entropy';
    const { loss, grads } = this.lossAndGradients(x, y, ce, new Generator(opts.seed as UInt64Like), getBackend());
    const L = this.weights.length;
    return { loss, dW: grads.slice(0, L), db: grads.slice(L) };
  }

  /** Gradients of weights then biases, from the output gradient dz and the layers of one 'train' run. */
  private backward(layers: Layer[], dzOut: Float32Array, backend: ReturnType<typeof getBackend>): Float32Array[] {
    const L = layers.length;
    const dW: Float32Array[] = new Array(L),
      db: Float32Array[] = new Array(L);
    let dz = dzOut;
    for (let l = L - 1; l >= 0; l--) {
      const { input, at } = layers[l];
      const din = this.sizes[l],
        dout = this.sizes[l + 1],
        B = input.length / din;
      const shape = { inFeatures: din, outFeatures: dout };
      let dh: Float32Array;
      if (at && this.method === 'dropconnect' && l + 1 < L) {
        const g = dropConnectBackward(dz, input, this.weights[l], this.biases[l], {
          ...shape,
          p: this.p,
          scaling: 'inverted',
          ...at,
        });
        dW[l] = g.dW;
        db[l] = g.dbias!;
        dh = g.dx;
      } else {
        dW[l] = new Float32Array(dout * din);
        backend.matmul(dW[l], dz, input, null, dout, din, B, true, false, false);
        db[l] = new Float32Array(dout);
        for (let i = 0; i < B; i++) for (let j = 0; j < dout; j++) db[l][j] += dz[i * dout + j];
        dh = new Float32Array(B * din);
        backend.matmul(dh, dz, this.weights[l], null, B, din, dout, false, false, false);
      }
      if (l === 0) break;
      // through the previous layer's dropout and activation
      const prev = layers[l - 1];
      if (prev.at && this.method !== 'dropconnect') {
        const o = { p: this.p, ...prev.at, out: dh };
        if (this.method === 'dropout') dropoutBackward(dh, o);
        else if (this.method === 'gaussian') gaussianDropoutBackward(dh, o);
        else alphaDropoutBackward(dh, o);
      }
      dz = dh.map((g, i) => g * this.actGrad(prev.pre[i]));
    }
    return [...dW, ...db];
  }

  /**
   * MC dropout prediction: `samples` stochastic passes (default 50) with fresh masks, as mcPredict.
   * @example mlp.predict(xTest, { seed: 1, examples: 100, samples: 50 })
   */
  predict(x: Float32Array, options: McPredictOptions): McPrediction {
    return mcPredict((input, pass) => this.run(input, 'mc', pass.generator, undefined), x, options);
  }
}
