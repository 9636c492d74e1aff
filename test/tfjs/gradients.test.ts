// Gradients of every op (tf.customGrad, the mask regenerated from its stream position) against
// central finite differences of L(x) = Σ w ⊙ op(x), on the tfjs cpu and wasm backends.
import { BACKENDS, tf, useBackend } from './backends';
import { expectClose, values } from './expect';
import * as dm from '../../lib/index';
import { ops } from '../../lib/tfjs/index';

/** Inputs with distinct values at least 0.05 apart (a permutation), so small steps never reorder a window. */
function separated(n: number, seed: number): Float32Array {
  const order = Array.from({ length: n }, (_, i) => i);
  const u = dm.uniform(n, { seed });
  order.sort((a, b) => u[a] - u[b]);
  return Float32Array.from(order, (k) => (k - n / 2) * 0.05);
}

/**
 * Checks tf.grads of Σ w ⊙ f(inputs) against central differences (float64 sums of float32
 * outputs) for `checks` coordinates of each input.
 */
function checkGradients(
  f: (...xs: tf.Tensor[]) => tf.Tensor,
  inputs: { values: Float32Array; shape: number[] }[],
  eps: number,
  tol: number,
  checks = 12,
): void {
  const tensors = inputs.map((i) => tf.tensor(i.values, i.shape));
  const probe = f(...tensors);
  const w = dm.normal(probe.size, { seed: 5 });
  const wt = tf.tensor(w, probe.shape);
  const loss = (...xs: tf.Tensor[]): number => {
    const y = values(f(...xs));
    let s = 0;
    for (let i = 0; i < y.length; i++) s += w[i] * y[i];
    return s;
  };
  const analytic = tf
    .grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(f(...xs), wt)))(tensors)
    .map(values);
  inputs.forEach((input, k) => {
    const at = Array.from({ length: Math.min(checks, input.values.length) }, (_, j) =>
      Math.floor((j * input.values.length) / Math.min(checks, input.values.length)),
    );
    const numeric = at.map((i) => {
      const shifted = (d: number): number => {
        const v = input.values.slice();
        v[i] += d;
        return loss(...tensors.map((t, m) => (m === k ? tf.tensor(v, input.shape) : t)));
      };
      return (shifted(eps) - shifted(-eps)) / (2 * eps);
    });
    expectClose(
      Float32Array.from(at, (i) => analytic[k][i]),
      numeric,
      tol,
    );
  });
}

/** Small normal values (std 0.5), so the recurrent products stay where tanh and σ are not flat. */
const smallInput = (shape: number[], seed: number) => ({
  shape,
  values: dm.normal(
    shape.reduce((a, b) => a * b, 1),
    { seed, std: 0.5 },
  ),
});

/** x [B, T, D], kernel [D, gates·H], recurrentKernel [H, gates·H], bias [gates·H]. */
const recurrentInputs = (B: number, T: number, D: number, H: number, gates: number) => [
  smallInput([B, T, D], 1),
  smallInput([D, gates * H], 2),
  smallInput([H, gates * H], 3),
  smallInput([gates * H], 4),
];

const input = (shape: number[], seed: number) => ({
  shape,
  values: separated(
    shape.reduce((a, b) => a * b, 1),
    seed,
  ),
});

describe.each(BACKENDS)('tfjs %s backend', (backend) => {
  beforeAll(() => useBackend(backend));

  test.each([
    ['dropout', [6, 5], (x: tf.Tensor) => ops.dropout(x, { p: 0.4, noiseShape: [6, 1], seed: 1 })],
    ['gaussianDropout', [6, 5], (x: tf.Tensor) => ops.gaussianDropout(x, { p: 0.3, seed: 2 })],
    ['gaussianNoise', [6, 5], (x: tf.Tensor) => ops.gaussianNoise(x, { std: 0.3, seed: 2 })],
    ['additiveGaussianNoise', [6, 5], (x: tf.Tensor) => ops.additiveGaussianNoise(x, { stddev: 0.3, seed: 2 })],
    ['alphaDropout', [6, 5], (x: tf.Tensor) => ops.alphaDropout(x, { p: 0.3, seed: 3 })],
    ['spatialDropout', [2, 3, 3, 4], (x: tf.Tensor) => ops.spatialDropout(x, { p: 0.5, seed: 4 })],
    ['dropBlock', [2, 6, 6, 2], (x: tf.Tensor) => ops.dropBlock(x, { keepProb: 0.7, blockSize: 2, seed: 5 })],
    ['dropPath', [6, 4], (x: tf.Tensor) => ops.dropPath(null, x, { p: 0.5, seed: 6 })],
    ['cutout', [2, 6, 6, 2], (x: tf.Tensor) => ops.cutout(x, { size: 3, seed: 7 })],
    ['maxDrop', [2, 4, 4, 3], (x: tf.Tensor) => ops.maxDrop(x, { p: 0.6, kernel: 3, seed: 8 })],
    ['maxPoolDropout (train)', [2, 4, 4, 3], (x: tf.Tensor) => ops.maxPoolDropout(x, { p: 0.5, seed: 9 })],
    ['maxPoolDropout (weighted pooling)', [2, 4, 4, 3], (x: tf.Tensor) => ops.maxPoolDropout(x, { p: 0.5, mode: 'eval' })],
  ] as const)('%s', (_name, shape, op) => {
    checkGradients(op, [input([...shape], 11)], 1e-2, 1e-3, 24);
  });

  test('dropPath on [x, branch]: dx = dy, dbranch = dy · b/q', () => {
    checkGradients((x, f) => ops.dropPath(x, f, { p: 0.5, seed: 3 }), [input([6, 3], 1), input([6, 3], 2)], 1e-2, 1e-3);
  });

  test('dropConnect in x, kernel and bias (per example and shared)', () => {
    for (const perExample of [true, false]) {
      checkGradients(
        (x, k, b) => ops.dropConnect(x, k, b, { p: 0.5, perExample, seed: 4 }),
        [input([3, 5], 1), input([5, 4], 2), input([4], 3)],
        1e-2,
        1e-3,
      );
    }
  });

  test('standout in x, kernel and bias (keep probabilities independent of s: α = 0)', () => {
    checkGradients(
      (x, k, b) => ops.standout(x, k, b, { alpha: 0, beta: 0.5, activation: 'tanh', seed: 4 }),
      [input([3, 5], 1), input([5, 4], 2), input([4], 3)],
      1e-2,
      2e-3,
    );
  });

  test('concreteDropout in x and in pLogit', () => {
    checkGradients(
      (x, p) => ops.concreteDropout(x, p, { temperature: 0.5, seed: 4 }),
      [input([4, 5], 1), { shape: [], values: Float32Array.of(-0.7) }],
      1e-3,
      2e-2,
    );
  });

  test.each([
    ['lstm', { kind: 'gal', px: 0.3, ph: 0.3 }],
    ['lstm', { kind: 'semeniuta', p: 0.3 }],
    ['gru', { kind: 'gal', px: 0.3, ph: 0.3, tied: false }],
    ['gru', { kind: 'rnndrop', p: 0.3 }],
  ] as const)('%s with %o dropout, through time, in x and every weight', (kind, dropout) => {
    const [B, T, D, H] = [2, 4, 3, 3];
    const g = kind === 'lstm' ? 4 : 3;
    const weights = recurrentInputs(B, T, D, H, g);
    if (kind === 'lstm') {
      checkGradients((x, k, r, b) => ops.lstm(x, k, r, b, { dropout, seed: 5 }).output, weights, 1e-2, 2e-3);
    } else {
      checkGradients(
        (x, k, r, b, rb) => ops.gru(x, k, r, b, rb, { dropout, seed: 5 }).output,
        [...weights, smallInput([g * H], 6)],
        1e-2,
        2e-3,
      );
    }
  });

  // h (and c) are dropmask's final states, not the last emitted step (RNNDrop's 'inverted-h'
  // emits h / q): their gradients flow into the backward pass as dh and dc.
  test.each([
    ['lstm', { kind: 'rnndrop', p: 0.3 }],
    ['lstm', { kind: 'gal', px: 0.3, ph: 0.3 }],
    ['gru', { kind: 'rnndrop', p: 0.3 }],
  ] as const)('%s with %o dropout: output, h and c, in x and every weight', (kind, dropout) => {
    const [B, T, D, H] = [2, 3, 3, 3];
    const g = kind === 'lstm' ? 4 : 3;
    const weights = recurrentInputs(B, T, D, H, g);
    const flat = (ts: tf.Tensor[]): tf.Tensor => tf.concat(ts.map((t) => tf.reshape(t, [-1])));
    if (kind === 'lstm') {
      checkGradients(
        (x, k, r, b) => {
          const y = ops.lstm(x, k, r, b, { dropout, seed: 5 });
          return flat([y.output, y.h, y.c]);
        },
        weights,
        1e-2,
        2e-3,
      );
    } else {
      checkGradients(
        (x, k, r, b, rb) => {
          const y = ops.gru(x, k, r, b, rb, { dropout, seed: 5 });
          return flat([y.output, y.h]);
        },
        [...weights, smallInput([g * H], 6)],
        1e-2,
        2e-3,
      );
    }
  });
});
