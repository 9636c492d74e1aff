// Embedding (word-type) dropout on every backend: a dropped word type is zero at every occurrence
// in its sequence, at the right rate; the backward against finite differences.
import { effectiveP, embeddingDropout, embeddingDropoutBackward, normal, randomBits } from '../../../lib/index';
import { binomialZ, dot, finiteDifference, variants } from '../../helpers';

describe.each(variants())('embedding dropout on $label', (v) => {
  const backend = v.name;

  test('every occurrence of a dropped word type is zero in its sequence; rate test; backward', () => {
    const [b, t, V, E] = [400, 30, 50, 3];
    const ids = Int32Array.from(randomBits(b * t, { seed: 61 }), (w) => w % V);
    const table = normal(V * E, { seed: 62 });
    const o = { shape: [b, t], vocabSize: V, p: 0.3, seed: 63, backend } as const;
    const out = v.run(() => embeddingDropout(ids, table, o));
    const scale = Math.fround(1 / (1 - effectiveP(0.3)));
    const state = new Int8Array(b * V).fill(-1);
    let bad = 0;
    for (let e = 0; e < b; e++) {
      for (let s = 0; s < t; s++) {
        const id = ids[e * t + s],
          k = e * V + id,
          row = out.subarray((e * t + s) * E, (e * t + s + 1) * E);
        const kept = row.some((x) => x !== 0) ? 1 : 0;
        if (state[k] === -1) state[k] = kept;
        if (state[k] !== kept) bad++;
        if (kept && Math.abs(row[0] - table[id * E] * scale) > 1e-6 * Math.abs(table[id * E] * scale)) bad++;
      }
    }
    expect(bad).toBe(0);
    let seen = 0,
      dropped = 0;
    for (const s of state) {
      if (s !== -1) {
        seen++;
        dropped += 1 - s;
      }
    }
    expect(Math.abs(binomialZ(dropped, seen, effectiveP(0.3)))).toBeLessThan(5);
    const g = normal(out.length, { seed: 64 });
    const dT = v.run(() => embeddingDropoutBackward(g, ids, { ...o, embeddingSize: E }));
    const loss = () =>
      dot(
        v.run(() => embeddingDropout(ids, table, o)),
        g,
      );
    for (let i = 0; i < table.length; i += 7) expect(dT[i]).toBeCloseTo(finiteDifference(table, i, 1e-2, loss), 2);
  });
});

describe('bad input to embedding dropout', () => {
  test.each([
    [() => embeddingDropout(Int32Array.of(0, 9), new Float32Array(6), { shape: [1, 2], vocabSize: 3 }), RangeError, /ids\[1\]/],
  ])('%#', (call, type, message) => {
    expect(call).toThrow(type);
    expect(call).toThrow(message);
  });
});
