// Recurrent weights from PyTorch and Keras into dropmask's lstm/gru parameters. Pure functions:
// new arrays, nothing drawn. PyTorch's LSTM gate order (i, f, g, o) is dropmask's; its GRU order
// (r, z, n) too, but PyTorch (and Keras) write h' = (1 − z) ⊙ n + z ⊙ h where dropmask writes
// h' = (1 − z) ⊙ h + z ⊙ n: since 1 − sigm(a) = sigm(−a), negating the z rows (weights and biases)
// turns one convention into the other exactly.
import { checkArray, checkOptions, rangeError, typeError } from '../../core/errors';
import type { GruParams } from './gru';
import type { LstmParams } from './lstm';

/** One layer of a PyTorch `nn.LSTM` or `nn.GRU` state_dict (layer 0; pass any layer's arrays under these names). */
export interface TorchRnnWeights {
  /** `weight_ih_l0`: [G·H, D], row-major (G = 4 for the LSTM, 3 for the GRU). */
  weight_ih_l0: Float32Array;
  /** `weight_hh_l0`: [G·H, H]. */
  weight_hh_l0: Float32Array;
  /** `bias_ih_l0`: [G·H]; absent when the module was built with bias=False. */
  bias_ih_l0?: Float32Array;
  /** `bias_hh_l0`: [G·H]. */
  bias_hh_l0?: Float32Array;
}

/** What an import returns: the parameters and the sizes they imply. */
export interface ImportedRnn<P> {
  params: P;
  inputSize: number;
  hiddenSize: number;
}

/** H and D from the weights' lengths, checked against each other and against the biases. */
function sizes(
  w: Record<string, unknown>,
  gates: number,
): { ih: Float32Array; hh: Float32Array; bih: Float32Array; bhh: Float32Array; H: number; D: number } {
  const ih = checkArray('weight_ih_l0', w.weight_ih_l0, Float32Array),
    hh = checkArray('weight_hh_l0', w.weight_hh_l0, Float32Array);
  const H = Math.round(Math.sqrt(hh.length / gates));
  if (H === 0 || gates * H * H !== hh.length)
    throw rangeError('weight_hh_l0', `a length ${gates}·H·H for some hidden size H > 0`, hh);
  const D = ih.length / (gates * H);
  if (!Number.isInteger(D) || D === 0) throw rangeError('weight_ih_l0', `a length ${gates}·${H}·D for some input size D > 0`, ih);
  const bias = (name: string): Float32Array => {
    if (w[name] === undefined) return new Float32Array(gates * H);
    const b = checkArray(name, w[name], Float32Array);
    if (b.length !== gates * H) throw rangeError(name, `a length ${gates}·H = ${gates * H}`, b);
    return b;
  };
  return { ih, hh, bih: bias('bias_ih_l0'), bhh: bias('bias_hh_l0'), H, D };
}

/**
 * A PyTorch `nn.LSTM` layer's weights as `lstm` parameters: W = weight_ih, U = weight_hh (the same
 * gate order i, f, g, o and the same [4H, D] layout), b = bias_ih + bias_hh (PyTorch adds both;
 * the sum is rounded once to float32, so outputs agree with PyTorch's to float32 rounding).
 * @example const { params, hiddenSize } = fromTorchLstm(stateDict); lstm(x, params, { shape, hiddenSize })
 */
export function fromTorchLstm(weights: TorchRnnWeights): ImportedRnn<LstmParams> {
  const w = checkOptions('weights', weights);
  const { ih, hh, bih, bhh, H, D } = sizes(w, 4);
  return { params: { W: ih.slice(), U: hh.slice(), b: bih.map((v, i) => v + bhh[i]) }, inputSize: D, hiddenSize: H };
}

/** Negates rows [from, to) of a row-major matrix with `cols` columns. */
function negateRows(a: Float32Array, from: number, to: number, cols: number): Float32Array {
  for (let i = from * cols; i < to * cols; i++) a[i] = -a[i];
  return a;
}

/**
 * A PyTorch `nn.GRU` layer's weights as `gru` parameters (reset after the product, PyTorch's only
 * form): the gate order r, z, n is kept, the z rows of W, U, bW and bU are negated so that
 * dropmask's z is PyTorch's 1 − z (h' = (1 − z) ⊙ n + z ⊙ h there).
 * @example const { params, hiddenSize } = fromTorchGru(stateDict); gru(x, params, { shape, hiddenSize })
 */
export function fromTorchGru(weights: TorchRnnWeights): ImportedRnn<GruParams> {
  const w = checkOptions('weights', weights);
  const { ih, hh, bih, bhh, H, D } = sizes(w, 3);
  return {
    params: {
      W: negateRows(ih.slice(), H, 2 * H, D),
      U: negateRows(hh.slice(), H, 2 * H, H),
      bW: negateRows(bih.slice(), H, 2 * H, 1),
      bU: negateRows(bhh.slice(), H, 2 * H, 1),
    },
    inputSize: D,
    hiddenSize: H,
  };
}

/** A Keras `GRU` layer's `get_weights()`. */
export interface KerasGruWeights {
  /** `kernel`: [D, 3H], row-major, gate columns z, r, h. */
  kernel: Float32Array;
  /** `recurrent_kernel`: [H, 3H]. */
  recurrentKernel: Float32Array;
  /** `bias`: [3H] (reset_after=False) or [2, 3H] (reset_after=True: input then recurrent bias); absent with use_bias=False. */
  bias?: Float32Array;
}

/**
 * A Keras `GRU` layer's weights as `gru` parameters: the kernels transposed to [3H, D] and [3H, H],
 * the gates reordered from z, r, h to r, z, n with the z rows negated (Keras also writes
 * h' = z ⊙ h + (1 − z) ⊙ hh). Pass the returned resetAfter to `gru` (`options.resetAfter`): a
 * [3H] bias means Keras's reset_after=False. `resetAfter` says which form a bias-free layer used.
 */
export function fromKerasGru(
  weights: KerasGruWeights,
  options: { resetAfter?: boolean } = {},
): ImportedRnn<GruParams> & { resetAfter: boolean } {
  const w = checkOptions('weights', weights);
  const opts = checkOptions('options', options);
  const kernel = checkArray('kernel', w.kernel, Float32Array),
    rec = checkArray('recurrentKernel', w.recurrentKernel, Float32Array);
  const H = Math.round(Math.sqrt(rec.length / 3));
  if (H === 0 || 3 * H * H !== rec.length) throw rangeError('recurrentKernel', 'a length 3·H·H for some hidden size H > 0', rec);
  const D = kernel.length / (3 * H);
  if (!Number.isInteger(D) || D === 0) throw rangeError('kernel', `a length 3·${H}·D for some input size D > 0`, kernel);
  if (opts.resetAfter !== undefined && typeof opts.resetAfter !== 'boolean')
    throw typeError('resetAfter', 'a boolean', opts.resetAfter);
  let resetAfter = opts.resetAfter !== false,
    bW = new Float32Array(3 * H),
    bU = new Float32Array(3 * H);
  if (w.bias !== undefined) {
    const b = checkArray('bias', w.bias, Float32Array);
    if (b.length === 3 * H) [resetAfter, bW] = [false, b.slice()];
    else if (b.length === 6 * H) [resetAfter, bW, bU] = [true, b.slice(0, 3 * H), b.slice(3 * H)];
    else throw rangeError('bias', `a length 3·H = ${3 * H} or 2·3·H = ${6 * H}`, b);
    if (opts.resetAfter !== undefined && opts.resetAfter !== resetAfter)
      throw new RangeError(
        `Expected a bias of length ${opts.resetAfter ? 6 * H : 3 * H} for resetAfter ${opts.resetAfter} but received ${b.length}`,
      );
  }
  // Keras column block k (z, r, h) becomes dropmask's gate rows (z → 1, r → 0, h → 2), z negated
  const target = [1, 0, 2],
    sign = [-1, 1, 1];
  const transpose = (m: Float32Array, rows: number): Float32Array => {
    const out = new Float32Array(3 * H * rows);
    for (let k = 0; k < 3; k++)
      for (let j = 0; j < H; j++)
        for (let i = 0; i < rows; i++) out[(target[k] * H + j) * rows + i] = sign[k] * m[i * 3 * H + k * H + j];
    return out;
  };
  const reorder = (b: Float32Array): Float32Array => {
    const out = new Float32Array(3 * H);
    for (let k = 0; k < 3; k++) for (let j = 0; j < H; j++) out[target[k] * H + j] = sign[k] * b[k * H + j];
    return out;
  };
  return {
    params: { W: transpose(kernel, D), U: transpose(rec, H), bW: reorder(bW), bU: reorder(bU) },
    inputSize: D,
    hiddenSize: H,
    resetAfter,
  };
}
