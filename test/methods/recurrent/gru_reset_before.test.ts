// The GRU's reset-before form (resetAfter: false; Cho et al. 2014, Keras reset_after=False) on
// every backend: it differs from the default, and its backward through time matches finite
// differences with every dropout placement.
import { gru, gruBackward, normal } from '../../../lib/index';
import type { RnnDropout } from '../../../lib/index';
import { dot, finiteDifference, variants } from '../../helpers';

const MODES: RnnDropout[] = [
  { kind: 'none' },
  { kind: 'forward', p: 0.3 },
  { kind: 'rnndrop', p: 0.3 },
  { kind: 'semeniuta', p: 0.3 },
  { kind: 'gal', px: 0.3, ph: 0.3 },
  { kind: 'gal', px: 0.3, ph: 0.3, tied: false },
];

describe.each(variants())('GRU reset-before on $label', (v) => {
  const backend = v.name;
  const [B, T, D, H] = [2, 4, 3, 3];
  const x = normal(B * T * D, { seed: 1 });
  const h0 = normal(B * H, { seed: 2, std: 0.5 });
  const params = {
    W: normal(3 * H * D, { seed: 7, std: 0.5 }),
    U: normal(3 * H * H, { seed: 8, std: 0.5 }),
    bW: normal(3 * H, { seed: 9 }),
    bU: normal(3 * H, { seed: 10 }),
  };
  const gOut = normal(B * T * H, { seed: 11 }),
    gH = normal(B * H, { seed: 12 });

  test('differs from reset-after; an LSTM refuses the option', () => {
    const opts = { shape: [B, T, D], hiddenSize: H, h0, backend };
    const after = v.run(() => gru(x, params, opts)).output,
      before = v.run(() => gru(x, params, { ...opts, resetAfter: false })).output;
    expect(Math.max(...Array.from(after, (a, i) => Math.abs(a - before[i])))).toBeGreaterThan(1e-3);
    expect(() => gru(x, params, { ...opts, resetAfter: 'no' as unknown as boolean })).toThrow(/for resetAfter/);
  });

  test.each(MODES)('backward matches finite differences with dropout %j', (dropout) => {
    const opts = { shape: [B, T, D], hiddenSize: H, h0, dropout, resetAfter: false, seed: 21, backend } as const;
    const loss = () => {
      const r = v.run(() => gru(x, params, opts));
      return dot(gOut, r.output) + dot(gH, r.h);
    };
    const { tape } = v.run(() => gru(x, params, opts));
    const g = v.run(() => gruBackward(tape, gOut, { dh: gH }));
    for (const [analytic, theta] of [
      [g.dx, x],
      [g.dW, params.W],
      [g.dU, params.U],
      [g.dbW, params.bW],
      [g.dbU, params.bU],
      [g.dh0, h0],
    ] as const) {
      for (let i = 0; i < theta.length; i += 2) {
        const fd = finiteDifference(theta, i, 1e-2, loss);
        expect(Math.abs(analytic[i] - fd)).toBeLessThan(2e-3 + 2e-3 * Math.abs(fd));
      }
    }
  });
});
