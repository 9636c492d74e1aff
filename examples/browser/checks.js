// What both the page and its worker compute: masks for fixed seeds, as FNV-1a hashes that the
// test compares with Node's, and the float32 Bernoulli mask throughput at 2^22 elements.
export function fnv(bytes) {
  let h = 2166136261;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 16777619) >>> 0;
  return h.toString(16).padStart(8, '0');
}

const bytesOf = (a) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

export function checks(dm) {
  const mask = dm.bernoulliMask(1 << 16, { p: 0.3, seed: 11, layout: 'uint8' });
  const y = dm.dropout(dm.normal(1 << 16, { seed: 12 }), { p: 0.5, seed: 13 });
  const block = dm.dropBlock(new Float32Array(4 * 3 * 32 * 32).fill(1), {
    shape: [4, 3, 32, 32],
    keepProb: 0.9,
    blockSize: 5,
    seed: 14,
  });
  const out = new Float32Array(1 << 22);
  const times = [];
  for (let i = 0; i < 7; i++) {
    const t = performance.now();
    dm.bernoulliMask(out, { p: 0.5, seed: 15 + i });
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return {
    backend: dm.backendInfo().name,
    simd: dm.backendInfo().simd,
    mask: fnv(mask),
    dropout: fnv(bytesOf(y)),
    dropBlock: fnv(bytesOf(block)),
    bernoulliPerSecond: (1 << 22) / (times[3] / 1000),
  };
}
