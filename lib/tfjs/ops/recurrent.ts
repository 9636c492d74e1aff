// LSTM and GRU sequence ops on tensors with every recurrent dropout placement of dropmask. The
// gradient runs the forward pass again at the same stream position (so the masks and the tape are
// regenerated, not kept) and backpropagates through time with dropmask's backward pass.
import { tf } from '../tf';
import * as dm from '../dropmask';
import { checkCount, checkOptions, withOptions } from '../../core/errors';
import { place, streamOf } from '../position';
import { hostCompute, hostCompute1 } from '../tensor_io';
import { OpOptions, checkMode, checkRank, checkRealTensor } from './op';
import { transpose } from './dense';

/** Options of `ops.lstm` and `ops.gru`. */
export interface RecurrentOpOptions extends OpOptions {
  /** Where the masks go (dropmask's RnnDropout: none, forward, rnndrop, semeniuta, gal). Default { kind: 'none' }. */
  dropout?: dm.RnnDropout;
  /** Initial hidden state [batch, units]. Default zeros. */
  h0?: tf.Tensor;
  /** Initial cell state [batch, units] (LSTM only). Default zeros. */
  c0?: tf.Tensor;
  /** Index of the first step, for truncated BPTT (see dropmask's lstm). Default 0. */
  firstStep?: number;
}

/** What `ops.lstm` returns. */
export interface LstmOpResult {
  /** h_t of every step [batch, steps, units]. */
  output: tf.Tensor;
  /** The final hidden state [batch, units]: dropmask.lstm's h, the state to pass on as h0 (with RNNDrop's
   * 'inverted-h' scaling in training, the last step of `output` is this divided by q). */
  h: tf.Tensor;
  /** The final cell state [batch, units]. */
  c: tf.Tensor;
}

/** What `ops.gru` returns. */
export interface GruOpResult {
  /** The emitted state of every step [batch, steps, units]. */
  output: tf.Tensor;
  /** The final state [batch, units]: dropmask.gru's h, the state to pass on as h0 (with RNNDrop's
   * 'inverted-h' scaling in training, the last step of `output` is this divided by q). */
  h: tf.Tensor;
}

interface Geometry {
  B: number;
  T: number;
  D: number;
  H: number;
}

function geometry(x: unknown, kernel: unknown, recurrentKernel: unknown, gates: number): Geometry {
  const xt = checkRank('x', checkRealTensor('x', x), 3, '[batch, steps, features]');
  const k = checkRealTensor('kernel', kernel),
    r = checkRealTensor('recurrentKernel', recurrentKernel);
  const [B, T, D] = xt.shape as number[];
  // dropmask's lstm and gru take no empty dimension; their own error would name their shape and
  // hiddenSize options, which the caller never passed
  if (!(B > 0 && T > 0 && D > 0)) {
    throw new RangeError(`Expected x of shape [batch, steps, features], each at least 1, but received [${xt.shape.join(', ')}]`);
  }
  const H = (r.shape[0] ?? 0) as number;
  if (r.rank === 2 && H === 0) {
    throw new RangeError(
      `Expected recurrentKernel of shape [units, ${gates}·units] with units ≥ 1 but received [${r.shape.join(', ')}]`,
    );
  }
  if (k.rank !== 2 || k.shape[0] !== D || k.shape[1] !== gates * H) {
    throw new RangeError(`Expected kernel of shape [${D}, ${gates}·units] but received [${k.shape.join(', ')}]`);
  }
  if (r.rank !== 2 || r.shape[1] !== gates * H) {
    throw new RangeError(`Expected recurrentKernel of shape [units, ${gates}·units] but received [${r.shape.join(', ')}]`);
  }
  return { B, T, D, H };
}

function checkVector(name: string, value: unknown, length: number): tf.Tensor {
  const t = checkRealTensor(name, value);
  if (t.rank !== 1 || t.shape[0] !== length)
    throw new RangeError(`Expected ${name} of shape [${length}] but received [${t.shape.join(', ')}]`);
  return t;
}

function checkState(name: string, value: unknown, g: Geometry): tf.Tensor | null {
  if (value === undefined || value === null) return null;
  const t = checkRealTensor(name, value);
  if (t.rank !== 2 || t.shape[0] !== g.B || t.shape[1] !== g.H) {
    throw new RangeError(`Expected ${name} of shape [${g.B}, ${g.H}] but received [${t.shape.join(', ')}]`);
  }
  return t;
}

/** Copies rows of [B, T, H] into [B, T + extra, H] (and back with `inverse`). */
function copySteps(from: Float32Array, to: Float32Array, g: Geometry, extra: number, inverse = false): void {
  const rowA = g.T * g.H,
    rowB = (g.T + extra) * g.H;
  for (let b = 0; b < g.B; b++) {
    if (inverse) to.set(from.subarray(b * rowB, b * rowB + rowA), b * rowA);
    else to.set(from.subarray(b * rowA, (b + 1) * rowA), b * rowB);
  }
}

/** Step `t` of [B, steps, H] as [B, H]. */
export function stepOf(value: tf.Tensor, t: number): tf.Tensor {
  const [B, , H] = value.shape as number[];
  return tf.reshape(tf.slice(value, [0, t, 0], [B, 1, H]), [B, H]);
}

/** Copies state [B, H] into step t of [B, steps, H] (or back, `inverse`). */
function copyStep(state: Float32Array, packed: Float32Array, t: number, steps: number, g: Geometry, inverse = false): void {
  for (let b = 0; b < g.B; b++) {
    const at = (b * steps + t) * g.H;
    if (inverse) state.set(packed.subarray(at, at + g.H), b * g.H);
    else packed.set(state.subarray(b * g.H, (b + 1) * g.H), at);
  }
}

type StateName = 'h0' | 'c0';
type DmOptions = Parameters<typeof dm.lstm>[2];

/** What tells the LSTM op from the GRU op; the rest of the two ops is `sequenceOp`. */
interface Cell {
  gates: number;
  /** The bias arguments, each [gates·units], in the order the op takes them. */
  biases: readonly string[];
  /** An LSTM also carries a cell state: c0 in, c out. */
  cellState: boolean;
  /** Options of dropmask's lstm and gru this op does not take, and why: each is a TypeError rather than ignored. */
  refuses: Readonly<Record<string, string>>;
  /** dropmask's forward pass, with W and U in dropmask's layout ([gates·units, ·]). */
  forward(
    x: Float32Array,
    W: Float32Array,
    U: Float32Array,
    biases: Float32Array[],
    options: DmOptions,
  ): { output: Float32Array; h: Float32Array; c: Float32Array | null; tape: unknown };
  /** dropmask's backward pass from the gradients of output, h and (LSTM) c: dStates holds dh0, then (LSTM) dc0. */
  backward(
    tape: unknown,
    dOutput: Float32Array,
    dh: Float32Array,
    dc: Float32Array | null,
  ): { dx: Float32Array; dW: Float32Array; dU: Float32Array; dBiases: Float32Array[]; dStates: Float32Array[] };
}

const LSTM: Cell = {
  gates: 4,
  biases: ['bias'],
  cellState: true,
  refuses: { resetAfter: 'an LSTM has no reset gate' },
  forward(x, W, U, [b], options) {
    const r = dm.lstm(x, { W, U, b }, options);
    return { output: r.output, h: r.h, c: r.c, tape: r.tape };
  },
  backward(tape, dOutput, dh, dc) {
    const g = dm.lstmBackward(tape as dm.LstmResultOf['tape'], dOutput, { dh, dc: dc! });
    return { dx: g.dx, dW: g.dW, dU: g.dU, dBiases: [g.db], dStates: [g.dh0, g.dc0] };
  },
};

const GRU: Cell = {
  gates: 3,
  biases: ['bias', 'recurrentBias'],
  cellState: false,
  refuses: {
    c0: 'a GRU has no cell state',
    resetAfter: 'ops.gru applies the reset gate after the recurrent product (dropmask.gru with resetAfter true)',
  },
  forward(x, W, U, [bW, bU], options) {
    const r = dm.gru(x, { W, U, bW, bU }, options);
    return { output: r.output, h: r.h, c: null, tape: r.tape };
  },
  backward(tape, dOutput, dh) {
    const g = dm.gruBackward(tape as dm.GruResultOf['tape'], dOutput, { dh });
    return { dx: g.dx, dW: g.dW, dU: g.dU, dBiases: [g.dbW, g.dbU], dStates: [g.dh0] };
  },
};

/**
 * The LSTM or GRU op: [output, h] and, with a cell state, c. The custom gradient's one output
 * packs the T emitted states, the final state h as step T and (LSTM) the final cell state as step
 * T + 1, so one tf.customGrad covers all three (h is dropmask's, not the last emitted state: they
 * differ by RNNDrop's 1/q).
 */
function sequenceOp(
  cell: Cell,
  x: tf.Tensor,
  kernel: tf.Tensor,
  recurrentKernel: tf.Tensor,
  biases: tf.Tensor[],
  options: RecurrentOpOptions,
): tf.Tensor[] {
  const opts = checkOptions('options', options);
  const G = cell.gates;
  const g = geometry(x, kernel, recurrentKernel, G);
  const { B, T, D, H } = g;
  cell.biases.forEach((name, i) => checkVector(name, biases[i], G * H));
  for (const [key, why] of Object.entries(cell.refuses))
    if (opts[key] !== undefined) throw new TypeError(`Expected no ${key}: ${why}`);
  const stateNames: StateName[] = cell.cellState ? ['h0', 'c0'] : ['h0'];
  const states = stateNames.map((name) => checkState(name, opts[name], g));
  const mode = checkMode(opts.mode);
  const firstStep = opts.firstStep === undefined ? 0 : checkCount('firstStep', opts.firstStep);
  // Read once, here: the forward pass and the gradient's replay must place the same masks, also
  // when dropout is a class instance or a Proxy (the options snapshot keeps those as they are).
  const dropout = opts.dropout === undefined ? undefined : (checkOptions('dropout', opts.dropout) as dm.RnnDropout);
  const placement = mode === 'eval' ? null : place(opts);
  const given = states.filter((s): s is tf.Tensor => s !== null);
  const nb = cell.biases.length;
  const steps = T + (cell.cellState ? 2 : 1); // the packed value: output's T steps, then h, then c
  const common = { shape: [B, T, D], hiddenSize: H, dropout, mode, firstStep };
  const run = (ins: Float32Array[], stream: Record<string, unknown>): ReturnType<Cell['forward']> => {
    const [xv, kv, rv] = ins;
    let i = 3 + nb;
    const callOptions = withOptions(common, stream);
    for (let j = 0; j < stateNames.length; j++) callOptions[stateNames[j]] = states[j] ? ins[i++] : undefined;
    return cell.forward(
      xv,
      transpose(kv, D, G * H),
      transpose(rv, H, G * H),
      ins.slice(3, 3 + nb),
      callOptions as unknown as DmOptions,
    );
  };
  const op = tf.customGrad((...args) => {
    const save = args.pop() as tf.GradSaveFunc;
    const inputs = args as tf.Tensor[];
    save(inputs);
    const value = hostCompute1(inputs, [B, steps, H], (ins, out) => {
      const r = run(ins, placement ? { generator: placement.generator } : { seed: 0 });
      copySteps(r.output, out, g, steps - T);
      copyStep(r.h, out, T, steps, g);
      if (r.c) copyStep(r.c, out, T + 1, steps, g);
    });
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        hostCompute(
          [dy, ...saved],
          saved.map((t) => t.shape),
          ([d, ...ins], [dx, dk, dr, ...rest]) => {
            const r = run(ins, placement ? streamOf(placement.position) : { seed: 0 });
            const dOutput = new Float32Array(B * T * H),
              dh = new Float32Array(B * H),
              dc = cell.cellState ? new Float32Array(B * H) : null;
            copySteps(d, dOutput, g, steps - T, true);
            copyStep(dh, d, T, steps, g, true);
            if (dc) copyStep(dc, d, T + 1, steps, g, true);
            const grads = cell.backward(r.tape, dOutput, dh, dc);
            dx.set(grads.dx);
            transpose(grads.dW, G * H, D, dk);
            transpose(grads.dU, G * H, H, dr);
            grads.dBiases.forEach((db, i) => rest[i].set(db));
            let i = nb;
            for (let j = 0; j < states.length; j++) if (states[j]) rest[i++].set(grads.dStates[j]);
          },
        ),
    };
  });
  // The packed value and the slices taken on the way to h and c are not returned: outside a
  // caller's tf.tidy they would stay allocated.
  return tf.tidy(() => {
    const value = op(x, kernel, recurrentKernel, ...biases, ...given);
    const output = tf.slice(value, [0, 0, 0], [B, T, H]);
    return cell.cellState ? [output, stepOf(value, T), stepOf(value, T + 1)] : [output, stepOf(value, T)];
  });
}

/**
 * An LSTM over x [batch, steps, features] with tf's weight layout (kernel [D, 4H], recurrentKernel
 * [H, 4H], bias [4H], gates i, f, c, o; sigmoid gates): bit for bit
 * `dropmask.lstm(x, { W: kernelᵀ, U: recurrentKernelᵀ, b: bias }, { dropout, … })`. Differentiable in
 * x, the weights and the initial states. Consumes the words of dropmask's recurrent masks table.
 */
export function lstm(
  x: tf.Tensor,
  kernel: tf.Tensor,
  recurrentKernel: tf.Tensor,
  bias: tf.Tensor,
  options: RecurrentOpOptions = {},
): LstmOpResult {
  const [output, h, c] = sequenceOp(LSTM, x, kernel, recurrentKernel, [bias], options);
  return { output, h, c };
}

/**
 * A GRU over x [batch, steps, features] in dropmask's formulation (gates r, z, n; reset after the
 * recurrent product; h_t = (1 − z) ⊙ h_{t−1} + z ⊙ n) with kernel [D, 3H], recurrentKernel [H, 3H],
 * bias [3H] (input side) and recurrentBias [3H]: bit for bit `dropmask.gru(x, { W: kernelᵀ,
 * U: recurrentKernelᵀ, bW: bias, bU: recurrentBias }, …)`. Differentiable in x, the weights and h0.
 */
export function gru(
  x: tf.Tensor,
  kernel: tf.Tensor,
  recurrentKernel: tf.Tensor,
  bias: tf.Tensor,
  recurrentBias: tf.Tensor,
  options: RecurrentOpOptions = {},
): GruOpResult {
  const [output, h] = sequenceOp(GRU, x, kernel, recurrentKernel, [bias, recurrentBias], options);
  return { output, h };
}
