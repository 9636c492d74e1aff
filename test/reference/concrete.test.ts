// Spatial Concrete dropout against the reference: yaringal/ConcreteDropout,
// spatial-concrete-dropout-keras.ipynb at commit 0cb396d07696e537d831fba0102920d927c91750
// (class SpatialConcreteDropout: spatial_concrete_dropout and the regulariser of build),
// transcribed below. Its temperature is 2/3 (dropmask's default stays ConcreteDropout's 0.1), its
// noise one uniform per (example, channel), channels last by default. Given dropmask's uniforms
// (Keras draws K.random_uniform) the outputs agree up to float32 rounding (Keras computes in float32).
import { concreteDropout, concreteRegularizer, normal, uniform } from '../../lib/index';
import { variants } from '../helpers';

/** spatial_concrete_dropout(x) for x [N, H, W, C] (channels_last) or [N, C, H, W], with unif_noise given per (n, c). */
function refSpatialConcrete(x: Float32Array, shape: number[], channelsLast: boolean, p: number, unif: Float32Array) {
  const eps = 1e-7, // K.epsilon()
    temp = 2 / 3;
  const [N] = shape,
    C = channelsLast ? shape[3] : shape[1],
    S = x.length / (N * C);
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const n = Math.floor(i / (S * C)),
      c = channelsLast ? i % C : Math.floor(i / S) % C;
    const u = unif[n * C + c];
    let dropProb = Math.log(p + eps) - Math.log(1 - p + eps) + Math.log(u + eps) - Math.log(1 - u + eps);
    dropProb = 1 / (1 + Math.exp(-dropProb / temp)); // K.sigmoid(drop_prob / temp)
    const randomTensor = 1 - dropProb;
    out[i] = (x[i] * randomTensor) / (1 - p); // x *= random_tensor; x /= retain_prob
  }
  return out;
}

describe.each(variants())('spatial Concrete dropout against the reference on $label', (v) => {
  const backend = v.name;
  const [N, H, W, C] = [3, 4, 5, 6];
  const x = normal(N * H * W * C, { seed: 1 });
  const p = 0.2,
    pLogit = Math.log(p / (1 - p));

  test('temperature 2/3, one relaxed indicator per (example, channel), channels last and first', () => {
    const u = uniform(N * C, { seed: 2 }); // the call's uniforms: element n·C + c of its stream
    for (const [layout, shape] of [
      ['NHWC', [N, H, W, C]],
      ['NCHW', [N, C, H, W]],
    ] as const) {
      const y = v.run(() => concreteDropout(x, pLogit, { shape, layout, spatial: true, temperature: 2 / 3, seed: 2, backend }));
      const ref = refSpatialConcrete(x, [...shape], layout === 'NHWC', p, u);
      let worst = 0;
      for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(y[i] - ref[i]) / Math.max(1, Math.abs(ref[i])));
      expect(worst).toBeLessThan(1e-6);
    }
    // at the default 0.1 the indicators are nearly hard; at 2/3 many lie in between
    const soft = (t: number) => {
      const y = concreteDropout(new Float32Array(N * C).fill(1), pLogit, {
        shape: [N, C],
        spatial: true,
        temperature: t,
        seed: 2,
        backend,
      });
      return y.filter((e) => e > 0.05 && e < 1).length;
    };
    expect(soft(2 / 3)).toBeGreaterThan(soft(0.1));
  });

  test('the regulariser of SpatialConcreteDropout.build, input_dim = channels', () => {
    const kernel = normal(3 * 3 * C * 8, { seed: 3 });
    const [wr, dr] = [1e-6, 1e-5];
    let sumSq = 0;
    for (const w of kernel) sumSq += w * w;
    // kernel_regularizer + (p log p + (1 − p) log(1 − p)) · dropout_regularizer · input_dim
    const ref = (wr * sumSq) / (1 - p) + (p * Math.log(p) + (1 - p) * Math.log(1 - p)) * dr * C;
    const { value } = concreteRegularizer(kernel, pLogit, { weightRegularizer: wr, dropoutRegularizer: dr, inputDim: C });
    expect(Math.abs(value / ref - 1)).toBeLessThan(1e-12);
  });
});
