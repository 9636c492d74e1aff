// DropBlock on every backend and both layouts: zeros are unions of whole blocks, the drop fraction
// matches γ's formula, keepProb 1 and eval, per-channel or shared masks, the backward, the schedule.
import { dropBlock, dropBlockBackward, dropBlockGamma, dropBlockSchedule, effectiveP, normal } from '../../../lib/index';
import { LAYOUTS, binomialZ, expectSameBits, indexer, shapeOf, variants } from '../../helpers';

describe.each(variants())('DropBlock on $label', (v) => {
  const backend = v.name;

  describe.each(LAYOUTS)('%s layout', (layout) => {
    // 5·10^4 maps of 14×14 (one interior cell each for the rate test)
    const [N, C, H, W] = [200, 250, 14, 14];
    const at = indexer(C, H, W, layout);
    const shape = shapeOf(N, C, H, W, layout);
    let y: Float32Array;
    beforeAll(() => {
      const x = new Float32Array(N * C * H * W).fill(1);
      y = v.run(() => dropBlock(x, { shape, layout, keepProb: 0.9, blockSize: 7, seed: 61, backend }));
    });
    afterAll(() => {
      y = new Float32Array(0);
    });

    test('zeros are unions of whole 7×7 blocks inside the map; survivors equal numel/ΣM', () => {
      let zeros = 0,
        bad = 0;
      for (const a of y) if (a === 0) zeros++;
      const scale = Math.fround(y.length / (y.length - zeros));
      for (const a of y) if (a !== 0 && a !== scale) bad++;
      expect(bad).toBe(0);
      for (let m = 0; m < 300; m++) {
        const n = m % N,
          c = (m * 7) % C;
        const z = (h: number, w: number): boolean => y[at(n, c, h, w)] === 0;
        for (let h = 0; h < H; h++)
          for (let w = 0; w < W; w++) {
            if (!z(h, w)) continue;
            let covered = false;
            for (let t = Math.max(0, h - 6); t <= Math.min(H - 7, h) && !covered; t++) {
              for (let l = Math.max(0, w - 6); l <= Math.min(W - 7, w) && !covered; l++) {
                let all = true;
                for (let i = 0; i < 7 && all; i++) for (let j = 0; j < 7 && all; j++) all = z(t + i, l + j);
                covered = all;
              }
            }
            if (!covered) bad++;
          }
      }
      expect(bad).toBe(0);
    });

    test('the drop fraction matches (1/HW) Σ [1 − (1−γ)^n_cell] (0.0929); an interior cell drops at 0.2645', () => {
      const gamma = dropBlockGamma(0.9, 7, 14, 14);
      expect(gamma).toBeCloseTo(0.00625, 10);
      const ge = 1 - effectiveP(1 - gamma);
      const cover = (i: number): number => Math.min(i, 7) - Math.max(0, i - 6) + 1;
      let expected = 0,
        expectedRaw = 0;
      for (let h = 0; h < H; h++)
        for (let w = 0; w < W; w++) {
          expected += 1 - (1 - ge) ** (cover(h) * cover(w));
          expectedRaw += 1 - (1 - gamma) ** (cover(h) * cover(w));
        }
      expected /= H * W;
      expect(expectedRaw / (H * W)).toBeCloseTo(0.0929, 4);
      expect(1 - (1 - gamma) ** 49).toBeCloseTo(0.2645, 4);
      const maps = N * C;
      const fractions = new Float64Array(maps);
      let interior = 0;
      for (let n = 0; n < N; n++)
        for (let c = 0; c < C; c++) {
          let z = 0;
          for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) if (y[at(n, c, h, w)] === 0) z++;
          fractions[n * C + c] = z / (H * W);
          if (y[at(n, c, 7, 7)] === 0) interior++;
        }
      const mean = fractions.reduce((a, b) => a + b, 0) / maps;
      const sd = Math.sqrt(fractions.reduce((a, b) => a + (b - mean) ** 2, 0) / maps);
      expect(Math.abs(mean - expected)).toBeLessThan((5 * sd) / Math.sqrt(maps));
      expect(Math.abs(binomialZ(interior, maps, 1 - (1 - ge) ** 49))).toBeLessThan(5);
    });

    test('keepProb 1 and eval are identity; channels differ unless shared; backward', () => {
      const small = normal(4 * 6 * 10 * 10, { seed: 62 });
      const s = shapeOf(4, 6, 10, 10, layout),
        idx = indexer(6, 10, 10, layout);
      expectSameBits(
        v.run(() => dropBlock(small, { shape: s, layout, keepProb: 1, seed: 1, backend })),
        small,
        'keepProb 1',
      );
      expectSameBits(
        v.run(() => dropBlock(small, { shape: s, layout, mode: 'eval', backend })),
        small,
        'eval',
      );
      const ones = new Float32Array(small.length).fill(1);
      for (const shared of [false, true]) {
        const o = { shape: s, layout, keepProb: 0.7, blockSize: 3, shareAcrossChannels: shared, seed: 63, backend };
        const m = v.run(() => dropBlock(ones, o));
        let differ = 0;
        for (let n = 0; n < 4; n++)
          for (let c = 1; c < 6; c++)
            for (let h = 0; h < 10; h++)
              for (let w = 0; w < 10; w++) {
                if ((m[idx(n, c, h, w)] === 0) !== (m[idx(n, 0, h, w)] === 0)) differ++;
              }
        if (shared) expect(differ).toBe(0);
        else expect(differ).toBeGreaterThan(0);
        const dy = normal(small.length, { seed: 64 });
        const dx = v.run(() => dropBlockBackward(dy, o));
        for (let i = 0; i < dy.length; i++) expect(dx[i]).toBe(m[i] === 0 ? 0 : Math.fround(dy[i] * m[i]));
      }
      expect(dropBlockSchedule({ step: 0, totalSteps: 100 })).toBe(1);
      expect(dropBlockSchedule({ step: 50, totalSteps: 100 })).toBeCloseTo(0.95, 12);
      expect(dropBlockSchedule({ step: 500, totalSteps: 100, targetKeepProb: 0.8 })).toBeCloseTo(0.8, 12);
    });
  });
});

describe('bad input to DropBlock', () => {
  const x = new Float32Array(2 * 3 * 4 * 4);
  test.each([
    [() => dropBlock(x, { shape: [2, 3, 4, 4], blockSize: 0 }), RangeError, /blockSize/],
    [() => dropBlock(x, { shape: [2, 3, 4, 4], blockSize: 2.5 }), RangeError, /blockSize/],
    [() => dropBlock(x, { shape: [2, 3, 4, 4], keepProb: -0.1 }), RangeError, /keepProb/],
    [() => dropBlock(x, { shape: [2, 3, 4, 4], shareAcrossChannels: 1 as never }), TypeError, /shareAcrossChannels/],
    [() => dropBlockSchedule({ step: -1, totalSteps: 10 }), RangeError, /step/],
  ])('%#', (call, type, message) => {
    expect(call).toThrow(type);
    expect(call).toThrow(message);
  });
});
