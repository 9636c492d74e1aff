// The float32 polynomials of Box–Muller against float64, exhaustively over the inputs they get:
// every u1 = k 2^-24 (k = 1 .. 2^24) and every angle fraction t = i 2^-22 in [-0.5, 0.5).
import { boxMuller, lnUnit, sinCosQuarter } from '../../lib/core/f32math';

/** One unit in the last place of float32 at x. */
const ulp = (x: number): number => 2 ** (Math.floor(Math.log2(Math.abs(x))) - 23);

test('ln(u) is within 1 ulp for every u the generator produces', () => {
  let worst = 0;
  for (let k = 1; k < 2 ** 24; k++) {
    const exact = Math.log(k * 2 ** -24);
    worst = Math.max(worst, Math.abs(lnUnit(k) - exact) / ulp(exact));
  }
  expect(lnUnit(2 ** 24)).toBe(0);
  expect(worst).toBeLessThanOrEqual(1);
});

test('sin and cos of (pi / 2) t are within 2 ulp for every t used', () => {
  let worstSin = 0,
    worstCos = 0;
  for (let i = -(2 ** 21); i < 2 ** 21; i++) {
    const t = i * 2 ** -22;
    const [s, c] = sinCosQuarter(t);
    const es = Math.sin((Math.PI / 2) * t),
      ec = Math.cos((Math.PI / 2) * t);
    if (i !== 0) worstSin = Math.max(worstSin, Math.abs(s - es) / ulp(es));
    worstCos = Math.max(worstCos, Math.abs(c - ec) / ulp(ec));
  }
  expect(sinCosQuarter(0)).toEqual([0, 1]);
  expect(worstSin).toBeLessThanOrEqual(2);
  expect(worstCos).toBeLessThanOrEqual(2);
});

test('Box–Muller pairs match float64 within a few ulp of r', () => {
  const z = new Float32Array(2);
  let worst = 0;
  for (let i = 0; i < 200000; i++) {
    const a = Math.imul(i, 2654435761) >>> 0,
      b = Math.imul(i ^ 0x5bd1e995, 40503) >>> 0;
    boxMuller(a, b, z, 0);
    const u1 = ((a >>> 8) + 1) * 2 ** -24,
      u2 = (b >>> 8) * 2 ** -24;
    const r = Math.sqrt(-2 * Math.log(u1));
    if (r === 0) continue;
    worst = Math.max(
      worst,
      Math.abs(z[0] - r * Math.cos(2 * Math.PI * u2)) / ulp(r),
      Math.abs(z[1] - r * Math.sin(2 * Math.PI * u2)) / ulp(r),
    );
  }
  expect(worst).toBeLessThanOrEqual(4);
});
