// DropConnect on every backend: one-hot inputs read the weight and bias masks, which are the
// stream's masks; outputs on exact (dyadic) inputs equal js bit for bit; train and Gaussian
// inference moments; the backward against finite differences.
import { bernoulliMask, dropConnect, dropConnectBackward, dropConnectInference, effectiveP, normal } from '../../../lib/index';
import { binomialZ, dyadic, expectSameBits, finiteDifference, sum, variants } from '../../helpers';

describe.each(variants())('DropConnect on $label', (v) => {
  const backend = v.name;

  const din = 37,
    dout = 29;
  const eye = (n: number): Float32Array => Float32Array.from({ length: n * n }, (_, i) => (i % (n + 1) === 0 ? 1 : 0));
  const Ww = Math.ceil((din * dout) / 2),
    Wb = Math.ceil(dout / 2);

  test('one-hot inputs read the weight masks: they are the stream masks, bit for bit', () => {
    const W = new Float32Array(dout * din).fill(1);
    for (const perExample of [false, true]) {
      const y = v.run(() =>
        dropConnect(eye(din), W, null, { inFeatures: din, outFeatures: dout, p: 0.4, perExample, seed: 11, offset: 5, backend }),
      );
      for (let b = 0; b < din; b++) {
        const mask = bernoulliMask(dout * din, {
          p: 0.4,
          layout: 'uint8',
          seed: 11,
          offset: 5n + BigInt((perExample ? b : 0) * Ww),
          backend: 'js',
        });
        for (let j = 0; j < dout; j++) expect(y[b * dout + j]).toBe(mask[j * din + b]);
      }
    }
    // bias masks: zero input, unit bias
    const B = 3;
    const yb = v.run(() =>
      dropConnect(new Float32Array(B * din), W, new Float32Array(dout).fill(1), {
        inFeatures: din,
        outFeatures: dout,
        p: 0.4,
        seed: 11,
        backend,
      }),
    );
    for (let b = 0; b < B; b++) {
      const m = bernoulliMask(dout, { p: 0.4, layout: 'uint8', seed: 11, offset: BigInt(B * Ww + b * Wb), backend: 'js' });
      expect(Array.from(yb.subarray(b * dout, (b + 1) * dout))).toEqual(Array.from(m));
    }
  });

  test('exact inputs give outputs identical to js; per-example masks differ between examples', () => {
    const B = 5,
      x = dyadic(B * din, 1),
      W = dyadic(dout * din, 2, 4),
      bias = dyadic(dout, 3);
    for (const perExample of [false, true])
      for (const scaling of ['none', 'inverted'] as const) {
        const opts = { inFeatures: din, outFeatures: dout, p: 0.5, perExample, scaling, seed: 21 };
        expectSameBits(
          v.run(() => dropConnect(x, W, bias, { ...opts, backend })),
          dropConnect(x, W, bias, { ...opts, backend: 'js' }),
        );
      }
    const same = new Float32Array(2 * din).fill(1);
    const y = v.run(() => dropConnect(same, W, null, { inFeatures: din, outFeatures: dout, seed: 4, backend }));
    expect(Array.from(y.subarray(0, dout))).not.toEqual(Array.from(y.subarray(dout)));
    const kept = bernoulliMask(200000, { p: 0.5, layout: 'uint8', seed: 4, backend: 'js' });
    expect(Math.abs(binomialZ(sum(kept), kept.length, 0.5))).toBeLessThan(5);
  });

  test('train outputs average to q(Wx + b); eval is q(Wx + b)', () => {
    const x = normal(din, { seed: 7 }),
      W = normal(dout * din, { seed: 8 }),
      bias = normal(dout, { seed: 9 });
    const opts = { inFeatures: din, outFeatures: dout, p: 0.3, backend };
    const exact = v.run(() => dropConnect(x, W, bias, { ...opts, mode: 'eval' }));
    const q = 1 - effectiveP(0.3),
      T = 1500;
    const mean = new Float64Array(dout);
    for (let s = 0; s < T; s++) {
      const y = v.run(() => dropConnect(x, W, bias, { ...opts, seed: 100 + s }));
      for (let j = 0; j < dout; j++) mean[j] += y[j] / T;
    }
    for (let j = 0; j < dout; j++) {
      let variance = bias[j] ** 2;
      for (let i = 0; i < din; i++) variance += (W[j * din + i] * x[i]) ** 2;
      variance *= q * (1 - q);
      expect(Math.abs(mean[j] - exact[j])).toBeLessThan(5 * Math.sqrt(variance / T) + 1e-5);
    }
  });

  test('Gaussian inference: mean q(Wx + b) within 5·sqrt(v/Z), variance v across seeds (Z = 1)', () => {
    const x = normal(din, { seed: 17 }),
      W = normal(dout * din, { seed: 18 }),
      bias = normal(dout, { seed: 19 });
    const opts = { inFeatures: din, outFeatures: dout, p: 0.5, backend };
    const q = 1 - effectiveP(0.5);
    const mu = v.run(() => dropConnect(x, W, bias, { ...opts, mode: 'eval' }));
    const variance = Array.from({ length: dout }, (_, j) => {
      let s = bias[j] ** 2;
      for (let i = 0; i < din; i++) s += (W[j * din + i] * x[i]) ** 2;
      return q * (1 - q) * s;
    });
    const Z = 20000;
    const r = v.run(() => dropConnectInference(x, W, bias, { ...opts, samples: Z, seed: 3 }));
    for (let j = 0; j < dout; j++) expect(Math.abs(r[j] - mu[j])).toBeLessThan(5 * Math.sqrt(variance[j] / Z) + 1e-5);
    const T = 3000,
      s1 = new Float64Array(dout),
      s2 = new Float64Array(dout);
    for (let t = 0; t < T; t++) {
      const u = v.run(() => dropConnectInference(x, W, bias, { ...opts, samples: 1, seed: 1000 + t }));
      for (let j = 0; j < dout; j++) {
        s1[j] += u[j];
        s2[j] += u[j] * u[j];
      }
    }
    for (let j = 0; j < dout; j++) {
      const m = s1[j] / T,
        s2j = (s2[j] - T * m * m) / (T - 1);
      expect(Math.abs(s2j - variance[j])).toBeLessThan(5 * Math.sqrt((2 * variance[j] ** 2) / T));
    }
    const relu = v.run(() => dropConnectInference(x, W, bias, { ...opts, inference: 'mean', activation: 'relu' }));
    for (let j = 0; j < dout; j++) expect(relu[j]).toBeCloseTo(Math.max(0, mu[j]), 5);
  });

  test('backward matches finite differences of W, bias and x (seed fixed)', () => {
    const B = 3,
      dI = 7,
      dO = 5;
    const x = normal(B * dI, { seed: 1 }),
      W = normal(dO * dI, { seed: 2 }),
      bias = normal(dO, { seed: 3 }),
      g = normal(B * dO, { seed: 4 });
    for (const perExample of [true, false])
      for (const scaling of ['none', 'inverted'] as const) {
        const opts = { inFeatures: dI, outFeatures: dO, p: 0.4, perExample, scaling, seed: 77, backend };
        const loss = () => {
          const y = v.run(() => dropConnect(x, W, bias, opts));
          let s = 0;
          for (let i = 0; i < y.length; i++) s += g[i] * y[i];
          return s;
        };
        const grads = v.run(() => dropConnectBackward(g, x, W, bias, opts));
        for (const [theta, grad] of [
          [W, grads.dW],
          [x, grads.dx],
          [bias, grads.dbias!],
        ] as const) {
          for (let i = 0; i < theta.length; i += 3) {
            expect(grad[i]).toBeCloseTo(finiteDifference(theta, i, 1 / 64, loss), 3);
          }
        }
      }
  });
});
