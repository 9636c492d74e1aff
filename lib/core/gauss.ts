// The standard normal in float64, accurate in the tails: erfc by series (|x| < 3) and continued
// fraction (|x| ≥ 3), Φ and its complement, and the quantile Φ⁻¹ (Acklam, one Halley step).
// Used where probabilities far in the tails matter (structured Bayesian pruning).

const SQRT2 = Math.SQRT2,
  SQRTPI = Math.sqrt(Math.PI);

/** erfc(x) to about 1e-15 relative for every x. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < 3) {
    // erf(x) = 2/√π e^(−x²) Σ 2^n x^(2n+1) / (1·3·…·(2n+1)): positive terms, no cancellation
    let term = x,
      sum = x;
    for (let n = 1; n < 200 && term > sum * 1e-17; n++) {
      term *= (2 * x * x) / (2 * n + 1);
      sum += term;
    }
    return 1 - (2 / SQRTPI) * Math.exp(-x * x) * sum;
  }
  if (x > 27) return 0;
  // erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …))))
  return Math.exp(-x * x) / SQRTPI / erfcFraction(x, x, 300);
}

/**
 * The continued fraction b0 + (1/2)/(x + 1/(x + (3/2)/(x + …))) of erfc, by the modified Lentz
 * method, from b0 = `first` (x for the whole denominator; a tiny number for the tail alone, whose
 * b0 is 0), with at most `terms` terms.
 */
export function erfcFraction(x: number, first: number, terms: number): number {
  const tiny = 1e-300;
  let f = first,
    c = first,
    d = 0;
  for (let n = 1; n < terms; n++) {
    const a = n / 2;
    d = x + a * d;
    d = Math.abs(d) < tiny ? tiny : d;
    c = x + a / c;
    c = Math.abs(c) < tiny ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return f;
}

/** Φ(z), the standard normal CDF. */
export const phiCdf = (z: number): number => 0.5 * erfc(-z / SQRT2);
/** φ(z), the standard normal density. */
export const phiPdf = (z: number): number => Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
/** Φ(b) − Φ(a) for a ≤ b without cancellation in either tail. */
export const phiDiff = (a: number, b: number): number =>
  a > 0 ? 0.5 * (erfc(a / SQRT2) - erfc(b / SQRT2)) : phiCdf(b) - phiCdf(a);

const A = [
  -3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239,
];
const B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
const C = [
  -7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783,
];
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];

/** Φ⁻¹(p) for p in (0, 1): Acklam's rational approximation refined by one Halley step. */
export function probit(p: number): number {
  if (!(p > 0 && p < 1)) return p === 0 ? -Infinity : p === 1 ? Infinity : NaN;
  let x: number;
  if (p < 0.02425) {
    const q = Math.sqrt(-2 * Math.log(p));
    x =
      (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) /
      ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1);
  } else if (p <= 1 - 0.02425) {
    const q = p - 0.5,
      r = q * q;
    x =
      ((((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q) /
      (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x =
      -(((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) /
      ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1);
  }
  const e = phiCdf(x) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}
