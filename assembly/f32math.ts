// Float32 ln, sin and cos for Box–Muller, four lanes at a time, in exactly the operation order
// of native/f32math.inc and lib/f32math.ts (Cephes single-precision polynomials). WebAssembly
// has no fused multiply-add outside relaxed SIMD, which dropmask never enables.

// ln(u) for u = k * 2^-24, k in [1, 2^24].
// @ts-ignore: decorator
@inline export function lnUnit(u: v128): v128 {
  const one = f32x4.splat(1.0);
  const low = f32x4.lt(v128.or(v128.and(u, i32x4.splat(0x7fffff)), i32x4.splat(0x3f000000)), f32x4.splat(0.70710677));
  const m = v128.or(v128.and(u, i32x4.splat(0x7fffff)), i32x4.splat(0x3f000000));
  const e = i32x4.add(i32x4.sub(i32x4.shr_u(u, 23), i32x4.splat(126)), low);  // low is -1 where true
  let x = v128.bitselect(f32x4.sub(f32x4.add(m, m), one), f32x4.sub(m, one), low);
  const z = f32x4.mul(x, x);
  let y = f32x4.splat(7.0376836292e-2);
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(-1.1514610310e-1));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(1.1676998740e-1));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(-1.2420140846e-1));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(1.4249322787e-1));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(-1.6668057665e-1));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(2.0000714765e-1));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(-2.4999993993e-1));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(3.3333331174e-1));
  y = f32x4.mul(f32x4.mul(y, x), z);
  const fe = f32x4.convert_i32x4_s(e);
  y = f32x4.add(y, f32x4.mul(fe, f32x4.splat(-2.12194440e-4)));
  y = f32x4.add(y, f32x4.mul(z, f32x4.splat(-0.5)));
  x = f32x4.add(x, y);
  return f32x4.add(x, f32x4.mul(fe, f32x4.splat(0.693359375)));
}

// Box–Muller for four word pairs (a, b): returns r cos(2 pi u2) and, through sinOut, r sin(2 pi u2).
// v128 globals get constant initialisers: a splat would need a start function, and the module
// should run no code of its own when instantiated (with or without a loader, --exportStart).
export let sinOut: v128 = i32x4(0, 0, 0, 0);

// @ts-ignore: decorator
@inline export function boxMuller(a: v128, b: v128): v128 {
  const u1 = f32x4.mul(f32x4.convert_i32x4_u(i32x4.add(i32x4.shr_u(a, 8), i32x4.splat(1))), f32x4.splat(5.9604644775390625e-8));
  const r = f32x4.sqrt(f32x4.mul(lnUnit(u1), f32x4.splat(-2.0)));
  const j = i32x4.shr_u(b, 8);
  let frac = v128.and(j, i32x4.splat(0x3fffff));
  const upper = i32x4.ge_s(frac, i32x4.splat(0x200000));
  frac = v128.bitselect(i32x4.sub(frac, i32x4.splat(0x400000)), frac, upper);
  const q = v128.and(i32x4.sub(i32x4.shr_u(j, 22), upper), i32x4.splat(3));  // upper is -1: q + 1
  const theta = f32x4.mul(f32x4.mul(f32x4.convert_i32x4_s(frac), f32x4.splat(2.384185791015625e-7)), f32x4.splat(1.5707964));
  const z = f32x4.mul(theta, theta);
  let s = f32x4.splat(-1.9515295891e-4);
  s = f32x4.add(f32x4.mul(s, z), f32x4.splat(8.3321608736e-3));
  s = f32x4.add(f32x4.mul(s, z), f32x4.splat(-1.6666654611e-1));
  s = f32x4.add(f32x4.mul(f32x4.mul(s, z), theta), theta);
  let c = f32x4.splat(2.443315711809948e-5);
  c = f32x4.add(f32x4.mul(c, z), f32x4.splat(-1.388731625493765e-3));
  c = f32x4.add(f32x4.mul(c, z), f32x4.splat(4.166664568298827e-2));
  c = f32x4.add(f32x4.mul(f32x4.mul(c, z), z), f32x4.mul(z, f32x4.splat(-0.5)));
  c = f32x4.add(c, f32x4.splat(1.0));
  const swap = i32x4.ne(v128.and(q, i32x4.splat(1)), i32x4.splat(0));
  const sv = v128.bitselect(c, s, swap);
  const cv = v128.bitselect(s, c, swap);
  const negSin = i32x4.ne(v128.and(q, i32x4.splat(2)), i32x4.splat(0));
  const negCos = i32x4.ne(v128.and(i32x4.add(q, i32x4.splat(1)), i32x4.splat(2)), i32x4.splat(0));
  sinOut = f32x4.mul(r, v128.bitselect(f32x4.neg(sv), sv, negSin));
  return f32x4.mul(r, v128.bitselect(f32x4.neg(cv), cv, negCos));
}
