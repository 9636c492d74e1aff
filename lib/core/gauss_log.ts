// The standard normal in log space, for probabilities that underflow a double: the scaled
// complementary error function erfcx(x) = e^(x²) erfc(x), log Φ split into its Gaussian factor and
// an O(log |x|) rest, log(Φ(v) − Φ(u)) without cancellation, and the Mills-ratio tail. Structured
// Bayesian pruning's statistics (methods/bayes/sbp.ts) need them where Φ(β) is e^(−10^18).

import { erfcFraction } from './gauss';

const SQRTPI = Math.sqrt(Math.PI);
/** ½ log(2π). */
export const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** erf(x) for |x| < 1 by its Taylor series in e^(−x²) form: positive terms, full relative precision. */
function erfSeries(x: number): number {
  let term = x,
    sum = x;
  for (let n = 1; n < 60 && Math.abs(term) > Math.abs(sum) * 1e-17; n++) {
    term *= (2 * x * x) / (2 * n + 1);
    sum += term;
  }
  return (2 / SQRTPI) * Math.exp(-x * x) * sum;
}

/**
 * g(y) = 1/(√π erfcx(y)) − y for y ≥ 1: the tail (1/2)/(y + 1/(y + (3/2)/(y + …))) of erfc's
 * continued fraction, by the modified Lentz method. Computing it directly, rather than as a
 * difference, keeps its relative precision when y is large (g ≈ 1/(2y)).
 */
const cfTail = (y: number): number => erfcFraction(y, 1e-300, 400);

/** erfcx(x) = e^(x²) erfc(x) to about 1e-15 relative (x ≥ 0; Infinity below x ≈ −26.6). */
export function erfcx(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return 2 * Math.exp(x * x) - erfcx(-x);
  if (x < 1) return Math.exp(x * x) * (1 - erfSeries(x));
  return 1 / (SQRTPI * (x + cfTail(x)));
}

/** erf(x) with full relative precision near 0. */
export function erf(x: number): number {
  if (Math.abs(x) < 1) return erfSeries(x);
  const e = erfcx(Math.abs(x)) * Math.exp(-x * x);
  return x > 0 ? 1 - e : e - 1;
}

/** erfc(x), relative precision kept in the upper tail (0 beyond x ≈ 27). */
export function erfc(x: number): number {
  if (x >= 1) return erfcx(x) * Math.exp(-x * x);
  return 1 - erf(x);
}

/** Φ(x) = ½ erfc(−x/√2). */
export const phi = (x: number): number => 0.5 * erfc(-x / Math.SQRT2);

/**
 * The Mills-ratio tail √2·g(y) = λ(v) + v for v = −√2·y ≤ 0, λ(v) = φ(v)/Φ(v): λ ≈ −v, so their
 * sum is computed from erfc's continued fraction, never as a difference of large numbers.
 */
export function millsTail(v: number): number {
  const y = -v / Math.SQRT2;
  return Math.SQRT2 * (y >= 1 ? cfTail(y) : 1 / (SQRTPI * erfcx(y)) - y);
}

/** log Φ(x) + x²/2 for x ≤ 0, = log(½ erfcx(−x/√2)): log Φ without its Gaussian factor. */
export const logPhiRest = (x: number): number => Math.log(0.5 * erfcx(-x / Math.SQRT2));

/** log(1 − e^d) for d ≤ 0, accurate for d near 0 and for d very negative. */
export const log1mexp = (d: number): number => (d > -Math.LN2 ? Math.log(-Math.expm1(d)) : Math.log1p(-Math.exp(d)));

/**
 * log(Φ(v) − Φ(u)) for u < v, as −w²/2 + rest with the Gaussian factor of the end it is anchored
 * to kept apart: anchor 1 (v ≤ 0, the mass sits at v: w = v), −1 (u ≥ 0, at u: w = u) or 0
 * (u < 0 < v, w = 0). Differences of such logs then cancel their w² exactly (see sbp.ts).
 */
export interface LogMass {
  anchor: -1 | 0 | 1;
  w: number;
  rest: number;
}

export function logMass(u: number, v: number): LogMass {
  if (v <= 0) {
    // Φ(v)·(1 − Φ(u)/Φ(v)); log Φ(u) − log Φ(v) = −(u − v)(u + v)/2 + rest(u) − rest(v)
    const rv = logPhiRest(v);
    const d = (-(u - v) * (u + v)) / 2 + logPhiRest(u) - rv;
    return { anchor: 1, w: v, rest: rv + log1mexp(d) };
  }
  if (u >= 0) {
    // the mirror image: Q(u)·(1 − Q(v)/Q(u)) with Q(x) = Φ(−x)
    const ru = logPhiRest(-u);
    const d = (-(v - u) * (v + u)) / 2 + logPhiRest(-v) - ru;
    return { anchor: -1, w: u, rest: ru + log1mexp(d) };
  }
  const tails = phi(u) + phi(-v);
  const rest = tails < 0.5 ? Math.log1p(-tails) : Math.log(0.5 * (erf(v / Math.SQRT2) - erf(u / Math.SQRT2)));
  return { anchor: 0, w: 0, rest };
}
