// Structured Bayesian pruning's statistics against 50-digit arithmetic and against the reference
// code. E[θ], E[θ²], SNR and KL must be finite and accurate over the whole box μ, log σ ∈ [−20, 5]
// (the reference's own clip range), including log σ ≳ 2.9 (where e^(μ + σ²/2)·ΔΦ is ∞·0) and
// μ ≫ b with tiny σ (where Z = Φ(β) − Φ(α) underflows).
//
// Expected values: mpmath at 80 and at 160 significant digits (they agree to 50), from
//   α = (a − μ)/σ, β = (b − μ)/σ, σ = exp(log σ), a = −20, b = 0, Z = ΔΦ(α, β),
//   ΔΦ(u, v) = Φ(v) − Φ(u) (for u ≥ 0: Φ(−u) − Φ(−v)),
//   E[θ] = e^(μ+σ²/2)·ΔΦ(α−σ, β−σ)/Z, E[θ²] = e^(2μ+2σ²)·ΔΦ(α−2σ, β−2σ)/Z,
//   SNR = E[θ]/√(E[θ²] − E[θ]²), KL = −log σ − log Z − (αφ(α) − βφ(β))/(2Z) + log(b − a) − ½ log(2πe),
// with μ and log σ exactly the float32 values below. Checked the same way over a grid of 450 points
// of the box and 900 random points with bounds (−20, 0), (−5, 2), (−3, −1): worst relative errors
// 1e−14 (E[θ], E[θ²], KL), 2e−12 (SNR).
//
// Reference code: necludov/group-sparsity-sbp, nets/layers.py at commit
// eaf2e9d8c3fc7266d723f0f48d25fb8d56805b19 (erfcx, mean_truncated_log_normal_reduced,
// snr_truncated_log_normal, and the KL of sbp_dropout), transcribed below in float64.
import { sbpKL, sbpNoise, sbpStatistics } from '../../lib/index';
import { erfc } from '../../lib/core/gauss';
import { variants } from '../helpers';

/** [μ, log σ, E[θ], E[θ²], SNR, KL] for a = −20, b = 0. */
const MPMATH: number[][] = [
  [-20, -20, 2.0611536258282543e-9, 4.248354269264959e-18, 804838960.5147216, 22.269940920909264],
  [-20, 5, 0.04974097056647189, 0.024860037167529915, 0.33245068889209756, 3.660042410544109e-6],
  [5, -20, 1.0, 1.0, 1.1769263341850998e18, 43.605170185988094],
  [5, 5, 0.05025144788631657, 0.025129430502759707, 0.3342364368780597, 7.94888676593614e-6],
  [-10, -5, 4.5400960350993186e-5, 2.0613407833949e-9, 148.41147461901335, 6.576793740349318],
  [-10, 5, 0.04994478572518661, 0.02496757381300977, 0.33316451391576307, 2.2895103172141566e-7],
  [-2.5, -12, 0.0820849986254482, 0.0067379469995942, 162754.79141746787, 13.576793740349318],
  [-2.5, 2.9375, 0.05599667437261922, 0.027958975678768826, 0.3554119746270233, 0.0076860190224929065],
  [-1, 0, 0.3604531094695993, 0.18857341734506022, 1.4884216375371344, 1.8933475048423574],
  [-0.5, 1.5, 0.15902082718889746, 0.08125940200908802, 0.6721550326787974, 0.7255952963133089],
  [0, -20, 0.9999999983554374, 0.9999999967108747, 804838961.5099934, 22.269940920909264],
  [0, 3, 0.05822095528857684, 0.029164231575376155, 0.36264672926924413, 0.010192435614555665],
  [0, 5, 0.0501491020234912, 0.025075404743486664, 0.33387897161135616, 3.660042410544109e-6],
  [0.5, -5, 0.9999092413254199, 0.9998184991206333, 11020.228138336195, 11.302948045388684],
  [0.5, -1, 0.8528206776788605, 0.7404725754561238, 7.43145101862111, 3.781417017299445],
  [0.5, 4, 0.051179720166600204, 0.02559843648858167, 0.3376227143534605, 0.00021739000460579638],
  [1, -20, 1.0, 1.0, 2.3538526683702e17, 41.99573227355399],
  [1, 2.5, 0.07579669120550583, 0.03821141417890636, 0.4206627056685849, 0.07740884042862592],
  [2.5, 3.5, 0.05406564419241622, 0.02708196571912874, 0.3478428310060664, 0.002202300198916368],
  [-5, 3, 0.05246408187873778, 0.02611802026416792, 0.34322124504372453, 0.0030622251332794374],
  [-15, 4, 0.048848060690842576, 0.02436862158438292, 0.32946470692324287, 5.894711731795211e-5],
  [-0.25, -17, 0.7788007830714055, 0.6065306597126355, 24154952.753575288, 18.576793740349316],
  [-19.5, -20, 3.398267819495071e-9, 1.1548224173015786e-17, 485165195.4097903, 21.576793740349316],
  [-3, -0.693359375, 0.05641314641261595, 0.004085903365993759, 1.8768336939369379, 2.2701531344209465],
];

// ---- the reference code (nets/layers.py), transcribed: float64 instead of TF's float32 ----
/** Shepherd & Laframboise's Chebyshev coefficients, in the order the reference applies them. */
const SL = [
  '0.3e-20',
  '0.97e-19',
  '0.27e-19',
  '-0.2187e-17',
  '-0.2237e-17',
  '0.50681e-16',
  '0.74182e-16',
  '-0.1250795e-14',
  '-0.1864563e-14',
  '0.33478119e-13',
  '0.32525481e-13',
  '-0.965469675e-12',
  '0.194558685e-12',
  '0.28687950109e-10',
  '-0.63180883409e-10',
  '-0.775440020883e-9',
  '0.4521959811218e-8',
  '0.10764999465671e-7',
  '-0.218864010492344e-6',
  '0.774038306619849e-6',
  '0.413902798607301e-5',
  '-0.69169733025012064e-4',
  '0.490775836525808632e-3',
  '-0.2413163540417608191e-2',
  '0.9074997670705265094e-2',
  '-0.26658668435305752277e-1',
  '0.59209939998191890498e-1',
  '-0.84249133366517915584e-1',
  '-0.4590054580646477331e-2',
].map(Number);
function refErfcx(x: number): number {
  const K = 3.75;
  const y = (Math.abs(x) - K) / (Math.abs(x) + K),
    y2 = 2 * y;
  let d = -0.4e-20,
    dd = 0;
  for (const c of SL) [d, dd] = [y2 * d - dd + c, d];
  d = y * d - dd + Number('0.1177578934567401754080e+01');
  const fix = (v: number): number => (Number.isFinite(v) ? v : 1); // tf.where(is_nan | is_inf, 1, ·)
  const result = fix(d / (1 + 2 * Math.abs(x)));
  return x < 0 ? fix(2 * Math.exp(x * x) - result) : result;
}
const refPhi = (x: number): number => 0.5 * erfc(-x / Math.SQRT2);
function refStatistics(mu: number, sigma: number, a = -20, b = 0): { mean: number; snr: number; kl: number } {
  const alpha = (a - mu) / sigma,
    beta = (b - mu) / sigma,
    z = refPhi(beta) - refPhi(alpha);
  const r2 = Math.SQRT2;
  const mean =
    (refErfcx((sigma - beta) / r2) * Math.exp(b - (beta * beta) / 2) -
      refErfcx((sigma - alpha) / r2) * Math.exp(a - (alpha * alpha) / 2)) /
    (2 * z);
  const ratio =
    refErfcx((sigma - beta) / r2) * Math.exp(b - mu - beta ** 2 / 2) -
    refErfcx((sigma - alpha) / r2) * Math.exp(a - mu - alpha ** 2 / 2);
  const denominator =
    2 * z * refErfcx((2 * sigma - beta) / r2) * Math.exp(2 * (b - mu) - beta ** 2 / 2) -
    2 * z * refErfcx((2 * sigma - alpha) / r2) * Math.exp(2 * (a - mu) - alpha ** 2 / 2) -
    ratio ** 2;
  const pdf = (x: number): number => Math.exp((-x * x) / 2) / Math.sqrt(2 * Math.PI);
  const kl =
    -Math.log(sigma) -
    Math.log(z) -
    (alpha * pdf(alpha) - beta * pdf(beta)) / (2 * z) +
    Math.log(b - a) -
    Math.log(2 * Math.PI * Math.E) / 2;
  return { mean, snr: ratio / Math.sqrt(denominator), kl };
}

const rel = (x: number, y: number): number => Math.abs(x / y - 1);

// sbpStatistics and sbpKL are float64 arithmetic in lib/, the same on every backend
describe('structured Bayesian pruning, reference compatibility', () => {
  test('E[θ], E[θ²], SNR and KL agree with 50-digit arithmetic over the whole box', () => {
    const mu = Float32Array.from(MPMATH, (r) => r[0]),
      ls = Float32Array.from(MPMATH, (r) => r[1]);
    const st = sbpStatistics(mu, ls),
      { kl } = sbpKL(mu, ls);
    MPMATH.forEach(([m, l, e1, e2, snr, k], i) => {
      const at = `μ = ${m}, log σ = ${l}`;
      expect([at, rel(st.mean[i], e1) < 1e-13]).toEqual([at, true]);
      expect([at, rel(st.second[i], e2) < 1e-13]).toEqual([at, true]);
      expect([at, rel(st.snr[i], snr) < 1e-11]).toEqual([at, true]);
      expect([at, Math.abs(kl[i] - k) / Math.max(1, Math.abs(k)) < 1e-13]).toEqual([at, true]);
    });
  });

  test('finite everywhere on a grid of the box, and consistent: e^a ≤ E[θ] ≤ e^b, E[θ²] ≥ E[θ]², KL ≥ 0', () => {
    const mu: number[] = [],
      ls: number[] = [];
    for (let i = 0; i <= 50; i++) {
      for (let j = 0; j <= 50; j++) {
        mu.push(-20 + i / 2);
        ls.push(-20 + j / 2);
      }
    }
    const st = sbpStatistics(Float32Array.from(mu), Float32Array.from(ls)),
      { kl, dMu, dLogSigma } = sbpKL(Float32Array.from(mu), Float32Array.from(ls));
    let bad = 0;
    for (let i = 0; i < mu.length; i++) {
      const ok =
        st.mean[i] >= Math.exp(-20) * (1 - 1e-12) &&
        st.mean[i] <= 1 + 1e-12 &&
        st.second[i] >= st.mean[i] ** 2 * (1 - 1e-12) &&
        st.snr[i] > 0 &&
        Number.isFinite(st.snr[i]) &&
        kl[i] >= -1e-9 &&
        Number.isFinite(dMu[i]) &&
        Number.isFinite(dLogSigma[i]);
      if (!ok) bad++;
    }
    expect(bad).toBe(0);
  });

  test('agrees with the reference code where it is finite; finite where it is not', () => {
    // the reference's erfcx form stays finite for log σ up to 5 …
    for (const [m, l] of [
      [-1, 0],
      [-3, Math.log(0.5)],
      [-10, Math.log(5)],
      [-0.5, 1.5],
      [-5, 3],
      [0, 3],
      [-2.5, 2.9375],
      [-15, 4],
      [-10, 5],
    ]) {
      const r = refStatistics(Math.fround(m), Math.exp(Math.fround(l)));
      const st = sbpStatistics(Float32Array.of(m), Float32Array.of(l));
      const at = `μ = ${m}, log σ = ${l}`;
      expect([at, rel(st.mean[0], r.mean) < 1e-9, rel(st.snr[0], r.snr) < 1e-6]).toEqual([at, true, true]);
      // the KL is a sum of O(1) terms that can cancel to 1e−7: compared absolutely
      expect([at, Math.abs(sbpKL(Float32Array.of(m), Float32Array.of(l)).kl[0] - r.kl) < 1e-12]).toEqual([at, true]);
    }
    // … but μ ≫ b with tiny σ gives 0/0 there (Z underflows): E[θ] ≈ 1.0, SNR ≈ 1.1·10^4
    const r = refStatistics(0.5, Math.exp(-5));
    expect([Number.isNaN(r.mean), Number.isNaN(r.snr), Number.isFinite(r.kl)]).toEqual([true, true, false]);
    const st = sbpStatistics(Float32Array.of(0.5), Float32Array.of(-5));
    expect(st.mean[0]).toBeCloseTo(0.9999092413254199, 14);
    expect(rel(st.snr[0], 1.1020228138336195e4)).toBeLessThan(1e-11);
  });
});

describe.each(variants())('structured Bayesian pruning on $label', (v) => {
  const backend = v.name;

  test("'eval' keeps a channel with log σ ≳ 2.9 whenever its SNR passes the threshold", () => {
    // before: E[θ] and SNR were NaN there, so the channel was zeroed whatever the threshold
    const mu = Float32Array.of(-1, 0, 0.5),
      ls = Float32Array.of(3, 5, -5);
    const x = new Float32Array(6).fill(1);
    const y = v.run(() => sbpNoise(x, mu, ls, { shape: [2, 3, 1], mode: 'eval', threshold: 0.3, backend }));
    const st = sbpStatistics(mu, ls);
    expect(Array.from(y.subarray(0, 3))).toEqual(Array.from(st.mean, (m) => Math.fround(m)));
    expect(Array.from(st.snr, (s) => s > 0.3)).toEqual([true, true, true]);
    const pruned = v.run(() => sbpNoise(x, mu, ls, { shape: [2, 3, 1], mode: 'eval', threshold: 1, backend }));
    expect(Array.from(pruned.subarray(0, 3))).toEqual([0, 0, Math.fround(st.mean[2])]);
  });
});
