// Backpropagation through time for the LSTM and the GRU on every backend, with every dropout
// placement (none, forward, RNNDrop, Semeniuta, Gal; tied and untied), against finite differences.
import { gru, gruBackward, lstm, lstmBackward, normal } from '../../../lib/index';
import type { RnnDropout } from '../../../lib/index';
import { dot, finiteDifference, variants } from '../../helpers';

const MODES: RnnDropout[] = [
  { kind: 'none' },
  { kind: 'forward', p: 0.3 },
  { kind: 'rnndrop', p: 0.3 },
  { kind: 'rnndrop', p: 0.3, scaling: 'reproduce-inverted-c' },
  { kind: 'semeniuta', p: 0.3 },
  { kind: 'semeniuta', p: 0.3, maskSampling: 'per-sequence' },
  { kind: 'gal', px: 0.3, ph: 0.3 },
  { kind: 'gal', px: 0.3, ph: 0.3, tied: false },
];

describe.each(variants())('LSTM and GRU backpropagation through time on $label', (v) => {
  const backend = v.name;
  const [B, T, D, H] = [2, 4, 3, 3];
  const x = normal(B * T * D, { seed: 1 });
  const h0 = normal(B * H, { seed: 2, std: 0.5 }),
    c0 = normal(B * H, { seed: 3, std: 0.5 });
  const lstmParams = {
    W: normal(4 * H * D, { seed: 4, std: 0.5 }),
    U: normal(4 * H * H, { seed: 5, std: 0.5 }),
    b: normal(4 * H, { seed: 6, std: 0.2 }),
  };
  const gruParams = {
    W: normal(3 * H * D, { seed: 7, std: 0.5 }),
    U: normal(3 * H * H, { seed: 8, std: 0.5 }),
    bW: normal(3 * H, { seed: 9 }),
    bU: normal(3 * H, { seed: 10 }),
  };
  const gOut = normal(B * T * H, { seed: 11 }),
    gH = normal(B * H, { seed: 12 }),
    gC = normal(B * H, { seed: 13 });

  describe.each(MODES)('matches finite differences with dropout %j', (dropout) => {
    const opts = { shape: [B, T, D], hiddenSize: H, h0, c0, dropout, seed: 21, backend } as const;
    const check = (analytic: Float32Array, theta: Float32Array, loss: () => number): void => {
      for (let i = 0; i < theta.length; i += 2) {
        const fd = finiteDifference(theta, i, 1e-2, loss);
        expect(Math.abs(analytic[i] - fd)).toBeLessThan(2e-3 + 2e-3 * Math.abs(fd));
      }
    };

    test('LSTM: x, W, U, b, h0, c0', () => {
      const loss = () => {
        const r = v.run(() => lstm(x, lstmParams, opts));
        return dot(r.output, gOut) + dot(r.h, gH) + dot(r.c, gC);
      };
      const r = v.run(() => lstm(x, lstmParams, opts));
      const g = v.run(() => lstmBackward(r.tape, gOut, { dh: gH, dc: gC }));
      check(g.dx, x, loss);
      check(g.dW, lstmParams.W, loss);
      check(g.dU, lstmParams.U, loss);
      check(g.db, lstmParams.b, loss);
      check(g.dh0, h0, loss);
      check(g.dc0, c0, loss);
    });

    test('GRU: x, W, U, bW, bU, h0', () => {
      const { c0: _unused, ...gopts } = opts;
      const loss = () => {
        const r = v.run(() => gru(x, gruParams, gopts));
        return dot(r.output, gOut) + dot(r.h, gH);
      };
      const r = v.run(() => gru(x, gruParams, gopts));
      const g = v.run(() => gruBackward(r.tape, gOut, { dh: gH }));
      check(g.dx, x, loss);
      check(g.dW, gruParams.W, loss);
      check(g.dU, gruParams.U, loss);
      check(g.dbW, gruParams.bW, loss);
      check(g.dbU, gruParams.bU, loss);
      check(g.dh0, h0, loss);
    });
  });
});
