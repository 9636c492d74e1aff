// Sparse variational dropout (Molchanov, Ashukha & Vetrov 2017) against the authors' code:
// bayesgroup/variational-dropout-sparsifies-dnn, nets/layers.py at commit
// 3d9b78acdf8de67ffbd2190b233852082c4168a0 (class DenseVarDropOutARD: clip, get_output_for_,
// eval_reg), transcribed below in float64 with its layout W [in, out] and log σ² parameters.
// KL and evaluation are compared exactly (up to the product's rounding), training given the same
// ε, which the reference draws from Theano's MRG stream and dropmask from its own.
import { normal, variationalDense, variationalKL } from '../../lib/index';
import { variants } from '../helpers';

// ---- the reference (nets/layers.py, DenseVarDropOutARD), transcribed ----
const clip = (m: number, to = 8): number => (m <= -to ? -to : m >= to ? to : m);
/** log_alpha = clip(log_sigma2 − log W²), the reference's own parameters. */
const refLogAlpha = (logSigma2: Float32Array, W: Float32Array): number[] =>
  Array.from(W, (w, k) => clip(logSigma2[k] - Math.log(w * w)));
/** eval_reg: −Σ (k1 σ(k2 + k3 log α) − 0.5 log1p(e^(−log α)) + C), C = −k1. */
function refEvalReg(logAlpha: number[]): number {
  const [k1, k2, k3] = [0.63576, 1.8732, 1.48695],
    C = -k1;
  let sum = 0;
  for (const la of logAlpha) sum += k1 / (1 + Math.exp(-(k2 + k3 * la))) - 0.5 * Math.log1p(Math.exp(-la)) + C;
  return -sum;
}
/** get_output_for_ without the nonlinearity: deterministic, or mu + ε·si with the given ε. */
function refOutput(
  input: Float32Array,
  W: Float32Array,
  logSigma2: Float32Array,
  b: Float32Array,
  [N, nIn, nOut]: number[],
  eps: Float32Array | null,
  trainClip = false,
  thresh = 3,
): Float64Array {
  const la = refLogAlpha(logSigma2, W);
  const out = new Float64Array(N * nOut);
  for (let n = 0; n < N; n++)
    for (let j = 0; j < nOut; j++) {
      let mu = 0,
        v = 0;
      for (let i = 0; i < nIn; i++) {
        const k = i * nOut + j,
          x = input[n * nIn + i];
        const clipMask = la[k] >= thresh;
        mu += x * ((eps === null || trainClip) && clipMask ? 0 : W[k]);
        v += x * x * Math.exp(la[k]) * W[k] * W[k];
      }
      out[n * nOut + j] = (eps === null ? mu : mu + eps[n * nOut + j] * Math.sqrt(v + 1e-8)) + b[j];
    }
  return out;
}

/** dropmask's θ [out, in] and log α [out, in] from the reference's W [in, out] and log σ² (unclipped: dropmask clips). */
function toDropmask(W: Float32Array, logSigma2: Float32Array, nIn: number, nOut: number) {
  const theta = new Float32Array(nIn * nOut),
    logAlpha = new Float32Array(nIn * nOut);
  for (let i = 0; i < nIn; i++)
    for (let j = 0; j < nOut; j++) {
      theta[j * nIn + i] = W[i * nOut + j];
      logAlpha[j * nIn + i] = logSigma2[i * nOut + j] - Math.log(W[i * nOut + j] ** 2);
    }
  return { theta, logAlpha };
}

const SPARSE = { logAlphaClip: 8, pruneThreshold: 3 } as const;

test("variationalKL 'molchanov' with logAlphaClip 8 is the reference's eval_reg", () => {
  // Molchanov's fit stays right for α > 1, where Kingma's cubic (made on α ≤ 1) diverges
  expect(variationalKL(Float32Array.of(4)).kl).toBeCloseTo(-91010.9, 1);
  expect(variationalKL(Float32Array.of(4), { approximation: 'molchanov' }).kl).toBeCloseTo(0.0093302, 6);
  const W = normal(200, { seed: 1, std: 0.2 }),
    logSigma2 = normal(200, { seed: 2, mean: -6, std: 5 });
  const { logAlpha } = toDropmask(W, logSigma2, 20, 10);
  const la = refLogAlpha(logSigma2, W);
  expect(la.some((v) => v === 8) && la.some((v) => v === -8)).toBe(true); // both clips active
  const { kl, dLogAlpha } = variationalKL(logAlpha, { approximation: 'molchanov', logAlphaClip: 8 });
  expect(Math.abs(kl / refEvalReg(la) - 1)).toBeLessThan(1e-6); // log α rounded to float32 here
  const exact = variationalKL(Float32Array.from(la), { approximation: 'molchanov' }).kl;
  expect(Math.abs(exact / refEvalReg(Array.from(Float32Array.from(la))) - 1)).toBeLessThan(1e-13);
  // d/d log α by central differences of the reference, zero where the clip holds
  for (let k = 0; k < 200; k += 7) {
    const v = logAlpha[k],
      h = 1e-4;
    const fd = (refEvalReg([clip(v + h)]) - refEvalReg([clip(v - h)])) / (2 * h);
    expect(dLogAlpha[k]).toBeCloseTo(Math.abs(v) >= 8 ? 0 : fd, 6);
  }
});

describe.each(variants())('sparse variational dropout against the reference on $label', (v) => {
  const backend = v.name;
  const [N, nIn, nOut] = [6, 20, 10];
  const input = normal(N * nIn, { seed: 3 }),
    W = normal(nIn * nOut, { seed: 4, std: 0.2 }),
    logSigma2 = normal(nIn * nOut, { seed: 5, mean: -5, std: 3 }),
    b = normal(nOut, { seed: 6, std: 0.1 });
  const { theta, logAlpha } = toDropmask(W, logSigma2, nIn, nOut);
  const shape = { inFeatures: nIn, outFeatures: nOut };
  const close = (actual: Float32Array, expected: Float64Array): void => {
    let worst = 0;
    for (let k = 0; k < expected.length; k++) worst = Math.max(worst, Math.abs(actual[k] - expected[k]));
    expect(worst).toBeLessThan(1e-5);
  };

  test('evaluation: weights with log α ≥ 3 are zero (pruneThreshold 3, logAlphaClip 8)', () => {
    const la = refLogAlpha(logSigma2, W);
    const pruned = la.filter((x) => x >= 3).length;
    expect(pruned).toBeGreaterThan(10);
    expect(pruned).toBeLessThan(la.length - 10);
    const y = v.run(() => variationalDense(input, theta, logAlpha, b, { ...shape, ...SPARSE, mode: 'eval', backend }));
    close(y, refOutput(input, W, logSigma2, b, [N, nIn, nOut], null));
    // without the rule, evaluation keeps every weight
    const all = v.run(() => variationalDense(input, theta, logAlpha, b, { ...shape, mode: 'eval', backend }));
    expect(Math.max(...Array.from(all, (x, k) => Math.abs(x - y[k])))).toBeGreaterThan(1e-3);
  });

  test('training given the same ε: mu + ε·√(δ + 1e−8), with and without train_clip', () => {
    const eps = normal(N * nOut, { seed: 7 }); // the call's ε: element b·Dout + j of its normal stream
    for (const trainClip of [false, true]) {
      const y = v.run(() =>
        variationalDense(input, theta, logAlpha, b, {
          ...shape,
          ...SPARSE,
          varianceEpsilon: 1e-8,
          pruneInTraining: trainClip,
          seed: 7,
          backend,
        }),
      );
      close(y, refOutput(input, W, logSigma2, b, [N, nIn, nOut], eps, trainClip));
    }
  });
});
