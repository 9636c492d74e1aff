// LSTM and GRU sequence ops on tensors with every recurrent dropout placement of dropmask. The
// gradient runs the forward pass again at the same stream position (so the masks and the tape are
// regenerated, not kept) and backpropagates through time with dropmask's backward pass.
import { tf } from '../tf';
import * as dm from '../dropmask';
import { checkCount, checkOptions } from '../../core/errors';
import { place, streamOf } from '../position';
import { hostCompute, hostCompute1 } from '../tensor_io';
import { OpOptions, checkMode, checkRank, checkTensor } from './op';
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
  /** The final hidden state [batch, units]. */
  h: tf.Tensor;
  /** The final cell state [batch, units]. */
  c: tf.Tensor;
}

/** What `ops.gru` returns. */
export interface GruOpResult {
  /** The emitted state of every step [batch, steps, units]. */
  output: tf.Tensor;
  /** The final state [batch, units]. */
  h: tf.Tensor;
}

interface Geometry {
  B: number;
  T: number;
  D: number;
  H: number;
}

function geometry(x: unknown, kernel: unknown, recurrentKernel: unknown, gates: number): Geometry {
  const xt = checkRank('x', checkTensor('x', x), 3, '[batch, steps, features]');
  const k = checkTensor('kernel', kernel),
    r = checkTensor('recurrentKernel', recurrentKernel);
  const [B, T, D] = xt.shape as number[];
  const H = (r.shape[0] ?? 0) as number;
  if (k.rank !== 2 || k.shape[0] !== D || k.shape[1] !== gates * H) {
    throw new RangeError(`Expected kernel of shape [${D}, ${gates}·units] but received [${k.shape.join(', ')}]`);
  }
  if (r.rank !== 2 || r.shape[1] !== gates * H) {
    throw new RangeError(`Expected recurrentKernel of shape [units, ${gates}·units] but received [${r.shape.join(', ')}]`);
  }
  return { B, T, D, H };
}

function checkVector(name: string, value: unknown, length: number): tf.Tensor {
  const t = checkTensor(name, value);
  if (t.rank !== 1 || t.shape[0] !== length)
    throw new RangeError(`Expected ${name} of shape [${length}] but received [${t.shape.join(', ')}]`);
  return t;
}

function checkState(name: string, value: unknown, g: Geometry): tf.Tensor | null {
  if (value === undefined || value === null) return null;
  const t = checkTensor(name, value);
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

/** The final step of [B, T, H] as [B, H]. */
const lastStep = (output: tf.Tensor, g: Geometry): tf.Tensor =>
  tf.reshape(tf.slice(output, [0, g.T - 1, 0], [g.B, 1, g.H]), [g.B, g.H]);

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
  const opts = checkOptions('options', options);
  const g = geometry(x, kernel, recurrentKernel, 4);
  checkVector('bias', bias, 4 * g.H);
  const h0 = checkState('h0', opts.h0, g),
    c0 = checkState('c0', opts.c0, g);
  const mode = checkMode(opts.mode);
  const firstStep = opts.firstStep === undefined ? 0 : checkCount('firstStep', opts.firstStep);
  const placement = mode === 'eval' ? null : place(opts);
  const { B, T, D, H } = g;
  const states = [h0, c0].filter((s): s is tf.Tensor => s !== null);
  const run = (ins: Float32Array[], stream: Record<string, unknown>): dm.LstmResultOf => {
    const [xv, kv, rv, bv] = ins;
    let i = 4;
    return dm.lstm(
      xv,
      { W: transpose(kv, D, 4 * H), U: transpose(rv, H, 4 * H), b: bv },
      {
        shape: [B, T, D],
        hiddenSize: H,
        dropout: opts.dropout as dm.RnnDropout | undefined,
        mode,
        firstStep,
        h0: h0 ? ins[i++] : undefined,
        c0: c0 ? ins[i++] : undefined,
        ...stream,
      },
    );
  };
  const op = tf.customGrad((...args) => {
    const save = args.pop() as tf.GradSaveFunc;
    const inputs = args as tf.Tensor[];
    save(inputs);
    // one output [B, T + 1, H]: the T emitted states, then the final cell state
    const value = hostCompute1(inputs, [B, T + 1, H], (ins, out) => {
      const r = run(ins, placement ? { generator: placement.generator } : { seed: 0 });
      copySteps(r.output, out, g, 1);
      for (let b = 0; b < B; b++) out.set(r.c.subarray(b * H, (b + 1) * H), (b * (T + 1) + T) * H);
    });
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        hostCompute(
          [dy, ...saved],
          saved.map((t) => t.shape),
          ([d, ...ins], [dx, dk, dr, db, ...dStates]) => {
            const r = run(ins, placement ? streamOf(placement.position) : { seed: 0 });
            const dOutput = new Float32Array(B * T * H),
              dc = new Float32Array(B * H);
            copySteps(d, dOutput, g, 1, true);
            for (let b = 0; b < B; b++) dc.set(d.subarray((b * (T + 1) + T) * H, (b * (T + 1) + T + 1) * H), b * H);
            const grads = dm.lstmBackward(r.tape, dOutput, { dc });
            dx.set(grads.dx);
            transpose(grads.dW, 4 * H, D, dk);
            transpose(grads.dU, 4 * H, H, dr);
            db.set(grads.db);
            let i = 0;
            if (h0) dStates[i++].set(grads.dh0);
            if (c0) dStates[i++].set(grads.dc0);
          },
        ),
    };
  });
  const value = op(x, kernel, recurrentKernel, bias, ...states);
  const output = tf.slice(value, [0, 0, 0], [B, T, H]);
  return { output, h: lastStep(output, g), c: tf.reshape(tf.slice(value, [0, T, 0], [B, 1, H]), [B, H]) };
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
  const opts = checkOptions('options', options);
  const g = geometry(x, kernel, recurrentKernel, 3);
  checkVector('bias', bias, 3 * g.H);
  checkVector('recurrentBias', recurrentBias, 3 * g.H);
  if (opts.c0 !== undefined) throw new TypeError('Expected no c0: a GRU has no cell state');
  const h0 = checkState('h0', opts.h0, g);
  const mode = checkMode(opts.mode);
  const firstStep = opts.firstStep === undefined ? 0 : checkCount('firstStep', opts.firstStep);
  const placement = mode === 'eval' ? null : place(opts);
  const { B, T, D, H } = g;
  const run = (ins: Float32Array[], stream: Record<string, unknown>): dm.GruResultOf => {
    const [xv, kv, rv, bv, ubv, h0v] = ins;
    return dm.gru(
      xv,
      { W: transpose(kv, D, 3 * H), U: transpose(rv, H, 3 * H), bW: bv, bU: ubv },
      {
        shape: [B, T, D],
        hiddenSize: H,
        dropout: opts.dropout as dm.RnnDropout | undefined,
        mode,
        firstStep,
        h0: h0 ? h0v : undefined,
        ...stream,
      },
    );
  };
  const op = tf.customGrad((...args) => {
    const save = args.pop() as tf.GradSaveFunc;
    const inputs = args as tf.Tensor[];
    save(inputs);
    const value = hostCompute1(inputs, [B, T, H], (ins, out) =>
      out.set(run(ins, placement ? { generator: placement.generator } : { seed: 0 }).output),
    );
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        hostCompute(
          [dy, ...saved],
          saved.map((t) => t.shape),
          ([d, ...ins], [dx, dk, dr, db, dub, dh0]) => {
            const r = run(ins, placement ? streamOf(placement.position) : { seed: 0 });
            const grads = dm.gruBackward(r.tape, d);
            dx.set(grads.dx);
            transpose(grads.dW, 3 * H, D, dk);
            transpose(grads.dU, 3 * H, H, dr);
            db.set(grads.dbW);
            dub.set(grads.dbU);
            if (dh0) dh0.set(grads.dh0);
          },
        ),
    };
  });
  const output = op(x, kernel, recurrentKernel, bias, recurrentBias, ...(h0 ? [h0] : []));
  return { output, h: lastStep(output, g) };
}
