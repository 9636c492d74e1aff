// Embedding dropout draws only the decisions of the word types it sees: vocabularies of 2^24 work
// with memory that follows the ids, and the bits are those of the original definition, which
// drew every (sequence, word type) decision of the call (kept below as the oracle).
import { Generator, embeddingDropout, embeddingDropoutBackward, randomBits, uniform } from '../../../lib/index';
import { dropThreshold } from '../../../lib/core/bernoulli';
import { packCounter } from '../../../lib/core/stream';
import { backend as loadBackend, expectSameBits, variants } from '../../helpers';
import type { BackendName } from '../../../lib/backends/interface';

/** The definition as first written: all B·V (or V) decisions from the call's offset. */
function oracle(
  ids: Int32Array,
  table: Float32Array,
  B: number,
  T: number,
  V: number,
  p: number,
  seed: number,
  offset: bigint,
  perCall: boolean,
  name: BackendName,
): Float32Array {
  const t = dropThreshold(p);
  const keep = new Uint8Array(perCall ? V : B * V);
  loadBackend(name).bernoulliU8(keep, packCounter(BigInt(seed), 0n, offset), t);
  const scale = t === 65536 ? 0 : 65536 / (65536 - t);
  const factor = Float32Array.from(keep, (k) => (k ? scale : 0));
  const E = table.length / V;
  const out = new Float32Array(B * T * E);
  for (let b = 0; b < B; b++) {
    for (let s = 0; s < T; s++) {
      const id = ids[b * T + s],
        f = factor[perCall ? id : b * V + id],
        o = (b * T + s) * E;
      for (let e = 0; e < E; e++) out[o + e] = table[id * E + e] * f;
    }
  }
  return out;
}

describe.each(variants())('embedding dropout over large vocabularies on $label', (v) => {
  const backend = v.name;

  test('random small cases equal the all-decisions definition (both mask modes, odd and even V, odd offsets)', () => {
    const r = uniform(400, { seed: 900 });
    for (let c = 0; c < 40; c++) {
      const B = 1 + Math.floor(r[c] * 7),
        T = Math.floor(r[c + 40] * 9),
        V = 1 + Math.floor(r[c + 80] * 300),
        E = 1 + Math.floor(r[c + 120] * 3),
        p = [0, 0.3, 0.5, 0.9, 1][c % 5],
        offset = BigInt(Math.floor(r[c + 160] * 1000)),
        perCall = c % 3 === 0;
      // clustered ids (runs) and scattered ids (gaps) both
      const ids = Int32Array.from(randomBits(B * T, { seed: 901 + c }), (w, i) => (c % 2 ? w % V : (i * 3 + (w % 5)) % V));
      const table = uniform(V * E, { seed: 1000 + c });
      const o = { shape: [B, T], vocabSize: V, p, seed: 77, offset, backend, maskPer: perCall ? 'call' : 'sequence' } as const;
      const out = v.run(() => embeddingDropout(ids, table, o));
      expectSameBits(out, oracle(ids, table, B, T, V, p, 77, offset, perCall, backend), `case ${c}`);
    }
  });

  test('a vocabulary of 2^24 with a few ids: the oracle’s decisions at those positions, generator advanced by ⌈B·V/2⌉', () => {
    const V = 2 ** 24,
      B = 128,
      T = 2,
      E = 1;
    const ids = Int32Array.from({ length: B * T }, (_, i) => [0, 1, V - 1, V - 2, 12345677][i % 5]);
    const table = new Float32Array(V * E).fill(1);
    const g = new Generator(5, { offset: 3 });
    const before = process.memoryUsage().arrayBuffers;
    const out = v.run(() => embeddingDropout(ids, table, { shape: [B, T], vocabSize: V, p: 0.5, generator: g, backend }));
    // the old algorithm's B·V mask alone would be 2 GiB
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(2 ** 26);
    expect(g.offset).toBe(3n + BigInt((B * V) / 2));
    // each decision from the raw word at its stream position
    for (let b = 0; b < B; b++) {
      for (let s = 0; s < T; s++) {
        const d = BigInt(b) * BigInt(V) + BigInt(ids[b * T + s]);
        const [w] = randomBits(1, { seed: 5, offset: 3n + d / 2n });
        const half = d % 2n === 0n ? w & 0xffff : w >>> 16;
        expect(out[b * T + s]).toBe(half >= 32768 ? 2 : 0);
      }
    }
    const dT = v.run(() =>
      embeddingDropoutBackward(out, ids, { shape: [B, T], vocabSize: V, embeddingSize: E, p: 0.5, seed: 5, offset: 3, backend }),
    );
    expect(dT.length).toBe(V);
  });
});
