// Embedding dropout against AWD-LSTM: salesforce/awd-lstm-lm, embed_regularize.py at commit
// 457a422eb46e970a6aad659ca815a04b3d074d6c (embedded_dropout), transcribed below. It masks the
// embedding matrix once per forward call, rows kept with probability 1 − dropout and scaled by
// 1/(1 − dropout), and looks every sequence up in that one masked matrix: dropmask's
// maskPer 'call'. Given dropmask's keep decisions (AWD-LSTM draws them with bernoulli_) the outputs
// agree up to float32 rounding (the reference computes mask/(1 − p) in float32); the rates are
// compared statistically.
import { bernoulliMask, effectiveP, embeddingDropout, embeddingDropoutBackward, normal } from '../../lib/index';
import { binomialZ, variants } from '../helpers';

/** embedded_dropout(embed, words, dropout) for an embedding table [V, E], with the Bernoulli draw given. */
function refEmbeddedDropout(weight: Float32Array, V: number, words: Int32Array, dropout: number, keep: Uint8Array) {
  const E = weight.length / V;
  // mask = weight.new().resize_((V, 1)).bernoulli_(1 - dropout).expand_as(weight) / (1 - dropout)
  const masked = new Float32Array(weight.length);
  for (let v = 0; v < V; v++) {
    const m = Math.fround(keep[v] / Math.fround(1 - dropout));
    for (let e = 0; e < E; e++) masked[v * E + e] = Math.fround(m * weight[v * E + e]);
  }
  // X = torch.nn.functional.embedding(words, masked_embed_weight, …)
  const X = new Float32Array(words.length * E);
  words.forEach((w, i) => X.set(masked.subarray(w * E, (w + 1) * E), i * E));
  return X;
}

describe.each(variants())('embedding dropout against AWD-LSTM on $label', (v) => {
  const backend = v.name;
  const [B, T, V, E] = [4, 30, 50, 6];
  const ids = Int32Array.from({ length: B * T }, (_, i) => (i * 37 + (i >> 3)) % V);
  const table = normal(V * E, { seed: 1 });

  test("maskPer 'call' is embedded_dropout: one vocabulary mask for every sequence of the call", () => {
    const p = 0.1;
    const y = v.run(() => embeddingDropout(ids, table, { shape: [B, T], vocabSize: V, p, maskPer: 'call', seed: 2, backend }));
    const keep = bernoulliMask(V, { p, layout: 'uint8', seed: 2, backend: 'js' });
    const ref = refEmbeddedDropout(table, V, ids, effectiveP(p), keep);
    for (let i = 0; i < ref.length; i++) expect(Math.abs(y[i] - ref[i])).toBeLessThanOrEqual(Math.abs(ref[i]) * 2 ** -22);
    // the default is Gal's: each sequence its own mask
    const gal = v.run(() => embeddingDropout(ids, table, { shape: [B, T], vocabSize: V, p: 0.5, seed: 3, backend }));
    const seqMasks = new Set<string>();
    for (let b = 0; b < B; b++) {
      const zeroed = new Set<number>();
      for (let t = 0; t < T; t++) if (gal[(b * T + t) * E] === 0) zeroed.add(ids[b * T + t]);
      seqMasks.add([...zeroed].sort((a, c) => a - c).join(','));
    }
    expect(seqMasks.size).toBeGreaterThan(1);
    const dTable = v.run(() =>
      embeddingDropoutBackward(new Float32Array(B * T * E).fill(1), ids, {
        shape: [B, T],
        vocabSize: V,
        embeddingSize: E,
        p,
        maskPer: 'call',
        seed: 2,
        backend,
      }),
    );
    for (let w = 0; w < V; w++) if (!keep[w]) expect(dTable[w * E]).toBe(0);
  });

  test('the dropped fraction of word types is p, one decision per type and call', () => {
    const Vbig = 20000,
      p = 0.3;
    const word = Int32Array.from({ length: Vbig }, (_, i) => i);
    const y = v.run(() =>
      embeddingDropout(word, new Float32Array(Vbig).fill(1), {
        shape: [1, Vbig],
        vocabSize: Vbig,
        p,
        maskPer: 'call',
        seed: 4,
        backend,
      }),
    );
    const dropped = y.reduce((n, x) => n + (x === 0 ? 1 : 0), 0);
    expect(Math.abs(binomialZ(dropped, Vbig, effectiveP(p)))).toBeLessThan(5);
    expect(() =>
      embeddingDropout(ids, table, { shape: [B, T], vocabSize: V, maskPer: 'batch' as 'call', seed: 1, backend }),
    ).toThrow(/for maskPer/);
  });
});
