// Float32 ln, sin and cos for Box–Muller. Every step is rounded to float32 with Math.fround in
// exactly the order of native/f32math.inc and assembly/f32math.ts (Cephes single-precision
// polynomials), so the three backends agree bit for bit. A float64 operation on float32 inputs
// followed by fround equals the float32 operation for + - * / and sqrt, so this is exact.

const f = Math.fround;
const LOG_P = [
  7.0376836292e-2, -1.151461031e-1, 1.167699874e-1, -1.2420140846e-1, 1.4249322787e-1, -1.6668057665e-1, 2.0000714765e-1,
  -2.4999993993e-1, 3.3333331174e-1,
].map(f);
const LOG_Q1 = f(-2.1219444e-4);
const LOG_Q2 = f(0.693359375);
const SQRT_HALF = f(0.70710677);
const PI_2 = f(1.5707964);
const SIN_P = [-1.9515295891e-4, 8.3321608736e-3, -1.6666654611e-1].map(f);
const COS_P = [2.443315711809948e-5, -1.388731625493765e-3, 4.166664568298827e-2].map(f);

/** ln(k * 2^-24) in float32 for an integer k in [1, 2^24]. */
export function lnUnit(k: number): number {
  // frexp: k * 2^-24 = m * 2^e with m in [0.5, 1); exact integer arithmetic
  const msb = 31 - Math.clz32(k);
  let e = msb - 23;
  const m = k / 2 ** (msb + 1);
  const low = m < SQRT_HALF;
  if (low) e -= 1;
  let x = low ? f(f(m + m) - 1) : f(m - 1);
  const z = f(x * x);
  let y = LOG_P[0];
  for (let i = 1; i < LOG_P.length; i++) y = f(f(y * x) + LOG_P[i]);
  y = f(f(y * x) * z);
  y = f(y + f(e * LOG_Q1));
  y = f(y + f(z * -0.5));
  x = f(x + y);
  return f(x + f(e * LOG_Q2));
}

/** sin and cos of (pi / 2) * t for t in [-0.5, 0.5), as float32 (t a multiple of 2^-22). */
export function sinCosQuarter(t: number): [number, number] {
  const theta = f(t * PI_2);
  const z = f(theta * theta);
  let s = SIN_P[0];
  s = f(f(s * z) + SIN_P[1]);
  s = f(f(s * z) + SIN_P[2]);
  s = f(f(f(s * z) * theta) + theta);
  let c = COS_P[0];
  c = f(f(c * z) + COS_P[1]);
  c = f(f(c * z) + COS_P[2]);
  c = f(f(f(c * z) * z) + f(z * -0.5));
  c = f(c + 1);
  return [s, c];
}

/**
 * Box–Muller on one word pair: out[at] = r cos(2 pi u2), out[at + 1] = r sin(2 pi u2) with
 * u1 = ((a >>> 8) + 1) 2^-24, u2 = (b >>> 8) 2^-24, r = sqrt(-2 ln u1).
 */
export function boxMuller(a: number, b: number, out: Float32Array | number[], at: number): void {
  const r = f(Math.sqrt(f(lnUnit((a >>> 8) + 1) * -2)));
  // 2 pi u2 = (pi / 2)(q + t): the quadrant q is exact from the top two of u2's 24 bits
  const j = b >>> 8;
  let frac = j & 0x3fffff;
  let q = j >>> 22;
  if (frac >= 0x200000) {
    frac -= 0x400000;
    q += 1;
  }
  q &= 3;
  const [s, c] = sinCosQuarter(frac * 2 ** -22);
  const sv = q & 1 ? c : s;
  const cv = q & 1 ? s : c;
  out[at] = f(r * ((q + 1) & 2 ? -cv : cv));
  out[at + 1] = f(r * (q & 2 ? -sv : sv));
}
