// DropPath / stochastic depth on tensors: a residual branch dropped as a whole per example (or
// per batch); the identity path never.
import { tf } from '../tf';
import * as dm from '../dropmask';
import { checkOneOf, checkOptions, checkProbability } from '../../core/errors';
import { generatorAt, place } from '../position';
import { OpOptions, checkMode, checkTensor } from './op';
import { fromValues, hostBackend, hostCompute1 } from '../tensor_io';

/** Options of `ops.dropPath`. */
export interface DropPathOpOptions extends OpOptions {
  /** Drop probability of the branch (1 − survival). */
  p: number;
  /** 'row' (default): one decision per example (first axis); 'batch': one for the whole batch. */
  granularity?: dm.DropPathGranularity;
  /** 'inverted' (default): train x + (b/q)·F, eval x + F. 'test-time': train x + b·F, eval x + q·F. */
  scaling?: dm.DropoutScaling;
}

/** The branch factor of every example: b/q, b or the eval constant (dropPath on zeros and ones). */
function factors(rows: number, opts: Record<string, unknown>, stream: Record<string, unknown>): Float32Array {
  return dm.dropPath(new Float32Array(rows), new Float32Array(rows).fill(1), {
    ...(opts as { p: number }),
    shape: [rows],
    ...stream,
  });
}

/**
 * DropPath: y = x + (b/q)·branch with b ~ Bernoulli(q) per example, bit for bit
 * `dropmask.dropPath(x, branch, { p, shape: x.shape, granularity, scaling, seed, stream, offset })`.
 * Pass `x = null` for the branch alone (timm's DropPath: y = (b/q)·branch, then add it yourself).
 * Consumes ceil(N / 2) words (1 for 'batch'). Gradients: dx = dy, dbranch = dy · b/q.
 * @example ops.dropPath(x, f(x), { p: 0.1, seed: 9 })
 */
export function dropPath(x: tf.Tensor | null, branch: tf.Tensor, options: DropPathOpOptions): tf.Tensor {
  const opts = checkOptions('options', options);
  checkTensor('branch', branch);
  if (x !== null) {
    checkTensor('x', x);
    if (!tf.util.arraysEqual(x.shape, branch.shape)) {
      throw new RangeError(`Expected branch of x's shape [${x.shape.join(', ')}] but received [${branch.shape.join(', ')}]`);
    }
  }
  if (branch.rank === 0) throw new RangeError('Expected branch of rank 1 or more ([N, …]) but received a scalar');
  const p = checkProbability('p', opts.p);
  const mode = checkMode(opts.mode);
  const method = {
    p,
    granularity: opts.granularity === undefined ? 'row' : checkOneOf('granularity', opts.granularity, ['row', 'batch'] as const),
    scaling: opts.scaling === undefined ? 'inverted' : checkOneOf('scaling', opts.scaling, ['inverted', 'test-time'] as const),
  };
  const rows = branch.shape[0];
  const perRow = [rows, ...branch.shape.slice(1).map(() => 1)];
  if (mode === 'eval') {
    const scaled = tf.mul(branch, fromValues(factors(rows, { ...method, mode: 'eval' }, { seed: 0 }), perRow));
    return x === null ? scaled : tf.add(x, scaled);
  }
  const placement = place(opts);
  const inner = branch.size / Math.max(1, rows);
  const gradients = (dy: tf.Tensor): tf.Tensor => {
    const g = factors(rows, method, { generator: generatorAt(placement.position) });
    return tf.mul(dy, fromValues(g, perRow));
  };
  if (x === null) {
    const scaleBranch = tf.customGrad((input) => {
      const b = input as tf.Tensor;
      // the factors are drawn once, by the forward call, exactly as dropmask.dropPath draws them
      const f = factors(rows, method, { generator: placement.generator });
      const value = hostBackend()
        ? hostCompute1([b], b.shape, ([bv], out) => {
            for (let r = 0; r < rows; r++)
              for (let i = r * inner; i < (r + 1) * inner; i++) out[i] = 0 + Math.fround(bv[i] * f[r]); // dropPath(0, b): +0 for dropped rows
          })
        : tf.mul(b, fromValues(f, perRow));
      return { value, gradFunc: gradients };
    });
    return scaleBranch(branch);
  }
  const join = tf.customGrad((xIn, bIn) => {
    const xt = xIn as tf.Tensor,
      b = bIn as tf.Tensor;
    let value: tf.Tensor;
    if (hostBackend()) {
      value = hostCompute1([xt, b], xt.shape, ([xv, bv], out) =>
        dm.dropPath(xv, bv, { ...method, shape: xt.shape, generator: placement.generator, out }),
      );
    } else {
      value = tf.add(xt, tf.mul(b, fromValues(factors(rows, method, { generator: placement.generator }), perRow)));
    }
    return { value, gradFunc: (dy: tf.Tensor) => [tf.clone(dy), gradients(dy)] };
  });
  return join(x, branch);
}
