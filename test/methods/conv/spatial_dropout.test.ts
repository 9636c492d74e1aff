// Spatial dropout on every backend and both layouts: whole feature maps are kept (scaled) or
// zeroed, at the right rate; eval; the backward.
import { effectiveP, normal, spatialDropout, spatialDropoutBackward } from '../../../lib/index';
import { LAYOUTS, binomialZ, expectSameBits, variants } from '../../helpers';

describe.each(variants())('spatial dropout on $label', (v) => {
  const backend = v.name;

  describe.each(LAYOUTS)('%s layout', (layout) => {
    test.each([[[50, 200, 3, 4]], [[20, 500, 7]], [[10, 1000, 2, 2, 3]]])(
      'each map is all zero or exactly x/q; rate and mean tests; eval; backward (shape %j)',
      (dims) => {
        const [N, C, ...spatial] = dims;
        const S = spatial.reduce((a, b) => a * b, 1);
        const shape = layout === 'NCHW' ? dims : [N, ...spatial, C];
        const x = normal(N * C * S, { seed: 21, mean: 1 });
        const opts = { shape, layout, p: 0.3, seed: 22, backend } as const;
        const y = v.run(() => spatialDropout(x, opts));
        const q = 1 - effectiveP(0.3),
          scale = Math.fround(1 / q);
        const mapIndex = (i: number): number => (layout === 'NCHW' ? Math.floor(i / S) : Math.floor(i / (S * C)) * C + (i % C));
        const state = new Int8Array(N * C).fill(-1);
        let bad = 0,
          s = 0;
        for (let i = 0; i < x.length; i++) {
          const kept = y[i] !== 0 ? 1 : 0,
            m = mapIndex(i);
          if (state[m] === -1) state[m] = kept;
          if (state[m] !== kept || (kept && y[i] !== Math.fround(x[i] * scale))) bad++;
          s += y[i];
        }
        expect(bad).toBe(0);
        expect(
          Math.abs(
            binomialZ(
              state.reduce((a, b) => a + b, 0),
              N * C,
              q,
            ),
          ),
        ).toBeLessThan(5);
        expect(Math.abs(s / x.length - 1)).toBeLessThan(0.05);
        expectSameBits(
          v.run(() => spatialDropout(x, { ...opts, mode: 'eval' })),
          x,
          'eval',
        );
        const dy = normal(x.length, { seed: 23 });
        const dx = v.run(() => spatialDropoutBackward(dy, opts));
        for (let i = 0; i < x.length; i += 97) expect(dx[i]).toBe(state[mapIndex(i)] ? Math.fround(dy[i] * scale) : 0);
      },
    );
  });
});

describe('bad input to spatial dropout', () => {
  const x = new Float32Array(2 * 3 * 4 * 4);
  test.each([[() => spatialDropout(x, { shape: [96] }), RangeError, /rank/]])('%#', (call, type, message) => {
    expect(call).toThrow(type);
    expect(call).toThrow(message);
  });
});
