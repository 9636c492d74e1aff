// DropPath / stochastic depth against timm: huggingface/pytorch-image-models, timm/layers/drop.py
// at commit aa4b5850c1543fa488abf260f18390eda46cf85d (drop_path, calculate_drop_path_rates).
// drop_path(x, p, training, scale_by_keep=False) is transcribed below and compared exactly given
// dropmask's keep decisions (timm draws them with bernoulli_, a different generator); the rates
// are the values timm's calculate_drop_path_rates(rate, L) returned with torch 2.13.0 (CPU wheel):
// [x.item() for x in torch.linspace(0, rate, L)], float32. fnv is FNV-1a (32-bit) over the
// little-endian float32 bytes.
import { dropPath, dropPathKeep, normal, stochasticDepthRates } from '../../lib/index';
import { variants } from '../helpers';

const TIMM_RATES: [number, number, number[]][] = [
  [0.5, 4, [0.0, 0.1666666716337204, 0.3333333134651184, 0.5]],
  [
    0.1,
    12,
    [
      0.0, 0.00909090880304575, 0.0181818176060915, 0.027272727340459824, 0.036363635212183, 0.045454543083906174,
      0.054545458406209946, 0.06363636255264282, 0.0727272778749466, 0.08181818574666977, 0.09090909361839294,
      0.10000000149011612,
    ],
  ],
  [
    0.4,
    7,
    [
      0.0, 0.06666667014360428, 0.13333334028720856, 0.19999998807907104, 0.2666666507720947, 0.3333333432674408,
      0.4000000059604645,
    ],
  ],
];
/** [rate, L, fnv of the float32 rates, rates[L/2], rates[L/2 − 1]] (torch changes formula at L/2). */
const TIMM_HASHED: number[][] = [
  [0.2, 24, 838539142, 0.104347825050354, 0.09565217792987823],
  [0.3, 33, 531308170, 0.15000000596046448, 0.140625],
  [0.05, 50, 2211183828, 0.02551020309329033, 0.02448979765176773],
  [0.35, 97, 750432260, 0.17499999701976776, 0.17135417461395264],
];

function fnv1a(values: Float64Array): number {
  const f = Float32Array.from(values);
  let h = 0x811c9dc5;
  for (const b of new Uint8Array(f.buffer)) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h;
}

/** timm's drop_path(x, drop_prob, training, scale_by_keep) on [N, …] with random_tensor = keep (0/1 per example). */
function refDropPath(x: Float32Array, N: number, p: number, training: boolean, scaleByKeep: boolean, keep: Uint8Array) {
  if (p === 0 || !training) return x.slice();
  const keepProb = 1 - p,
    row = x.length / N;
  const out = new Float32Array(x.length);
  for (let n = 0; n < N; n++) {
    const r = keepProb > 0 && scaleByKeep ? Math.fround(keep[n] / keepProb) : keep[n]; // random_tensor.div_(keep_prob)
    for (let i = 0; i < row; i++) out[n * row + i] = x[n * row + i] * r;
  }
  return out;
}

test("stochasticDepthRates rule 'timm' is calculate_drop_path_rates; the default stays Huang's l/L", () => {
  expect(Array.from(stochasticDepthRates(4))).toEqual([0.125, 0.25, 0.375, 0.5]);
  for (const [rate, L, expected] of TIMM_RATES) {
    expect(Array.from(stochasticDepthRates(L, { maxRate: rate, rule: 'timm' }))).toEqual(expected);
  }
  for (const [rate, L, hash, mid, before] of TIMM_HASHED) {
    const r = stochasticDepthRates(L, { maxRate: rate, rule: 'timm' });
    expect([fnv1a(r), r[L >> 1], r[(L >> 1) - 1]]).toEqual([hash, mid, before]);
  }
  // finalSurvival = 1 − drop_path_rate names the same schedule
  expect(Array.from(stochasticDepthRates(4, { finalSurvival: 0.5, rule: 'timm' }))).toEqual(TIMM_RATES[0][2]);
  expect(Array.from(stochasticDepthRates(1, { maxRate: 0.3, rule: 'timm' }))).toEqual([0]);
  expect(() => stochasticDepthRates(4, { maxRate: 0.3, finalSurvival: 0.7 })).toThrow(TypeError);
  expect(() => stochasticDepthRates(4, { rule: 'torch' as 'timm' })).toThrow(/for rule/);
});

describe.each(variants())('DropPath against timm on $label', (v) => {
  const backend = v.name;
  const [N, D] = [16, 12];
  const x = normal(N * D, { seed: 1 }),
    fx = normal(N * D, { seed: 2 });

  test("scaling 'none' is scale_by_keep=False: train x + b·F, eval x + F; 'inverted' is scale_by_keep=True", () => {
    const p = 0.375;
    const keep = v.run(() => dropPathKeep({ p, shape: [N, D], seed: 3, backend }));
    for (const [scaling, scaleByKeep] of [
      ['none', false],
      ['inverted', true],
    ] as const) {
      for (const training of [true, false]) {
        const y = v.run(() =>
          dropPath(x, fx, { p, shape: [N, D], scaling, mode: training ? 'train' : 'eval', seed: 3, backend }),
        );
        const branch = refDropPath(fx, N, p, training, scaleByKeep, keep);
        expect(y).toEqual(x.map((xi, i) => xi + branch[i])); // x + drop_path(F(x))
      }
    }
    // 'none' never rescales, so train and eval differ by the dropped branches only
    const train = v.run(() => dropPath(x, fx, { p, shape: [N, D], scaling: 'none', seed: 3, backend }));
    for (let n = 0; n < N; n++) expect(train[n * D]).toBe(Math.fround(x[n * D] + (keep[n] ? fx[n * D] : 0)));
  });
});
