// A small valid call of every registered method form: the baseline the hostile test perturbs
// (test/fuzz/hostile.test.ts). Each entry builds fresh arguments, so a call may detach, share or
// wrap them. test/fuzz/hostile.test.ts checks that this table covers the registry.
import * as api from '../../lib/index';

type Args = unknown[];

const f32 = (n: number, seed: number): Float32Array => api.normal(n, { seed, std: 0.7 });
const ids = (n: number, vocab: number, seed: number): Int32Array =>
  Int32Array.from(api.randomBits(n, { seed }), (w) => w % vocab);

const dense = { inFeatures: 6, outFeatures: 4 };
const [B, T, D, H] = [2, 3, 4, 3];
const rnn = { shape: [B, T, D], hiddenSize: H, dropout: { kind: 'gal', px: 0.2, ph: 0.3 } as const, seed: 9 };
const lstmParams = () => ({ W: f32(4 * H * D, 31), U: f32(4 * H * H, 32), b: f32(4 * H, 33) });
const gruParams = () => ({ W: f32(3 * H * D, 34), U: f32(3 * H * H, 35), bW: f32(3 * H, 36), bU: f32(3 * H, 37) });
const conv = { shape: [2, 3, 8, 8], seed: 5 };
const mlp = new api.Mlp({ sizes: [3, 8, 2], dropout: { method: 'dropout', p: 0.3 }, seed: 1 });

/** Valid arguments of every registered form, the options object at the registry's position. */
export const VALID_CALLS: Record<string, () => Args> = {
  dropout: () => [f32(24, 1), { p: 0.3, seed: 2 }],
  dropoutBackward: () => [f32(24, 1), { p: 0.3, seed: 2 }],
  dropConnect: () => [f32(12, 1), f32(24, 2), f32(4, 3), { ...dense, p: 0.4, seed: 4 }],
  dropConnectBackward: () => [f32(8, 5), f32(12, 1), f32(24, 2), f32(4, 3), { ...dense, p: 0.4, seed: 4 }],
  dropConnectInference: () => [f32(12, 1), f32(24, 2), f32(4, 3), { ...dense, p: 0.4, samples: 3, seed: 4 }],
  standout: () => [f32(12, 1), f32(24, 2), f32(4, 3), { ...dense, alpha: 1, beta: 0, seed: 4 }],
  standoutBackward: () => [f32(8, 5), f32(12, 1), f32(24, 2), f32(4, 3), { ...dense, alpha: 1, beta: 0, seed: 4 }],
  gaussianDropout: () => [f32(24, 1), { p: 0.3, seed: 2 }],
  gaussianDropoutBackward: () => [f32(24, 1), { p: 0.3, seed: 2 }],
  fastDropout: () => [f32(12, 1), f32(24, 2), f32(4, 3), { ...dense, p: 0.4, seed: 4 }],
  fastDropoutBackward: () => [f32(8, 5), f32(12, 1), f32(24, 2), f32(4, 3), { ...dense, p: 0.4, seed: 4 }],
  variationalDense: () => [f32(12, 1), f32(24, 2), f32(24, 6).map((v) => v - 2), f32(4, 3), { ...dense, seed: 4 }],
  variationalDenseBackward: () => [
    f32(8, 5),
    f32(12, 1),
    f32(24, 2),
    f32(24, 6).map((v) => v - 2),
    f32(4, 3),
    { ...dense, seed: 4 },
  ],
  concreteDropout: () => [f32(24, 1), -1, { temperature: 0.1, seed: 2 }],
  concreteDropoutBackward: () => [f32(24, 7), f32(24, 1), -1, { temperature: 0.1, seed: 2 }],
  alphaDropout: () => [f32(24, 1), { p: 0.2, seed: 2 }],
  featureAlphaDropout: () => [f32(24, 1), { p: 0.2, shape: [2, 3, 4], seed: 2 }],
  alphaDropoutBackward: () => [f32(24, 1), { p: 0.2, seed: 2 }],
  tfStatelessDropout: () => [f32(24, 1), { rate: 0.3, seed: [1, 2] }],
  tfStatelessDropoutBackward: () => [f32(24, 1), { rate: 0.3, seed: [1, 2] }],
  maxPoolDropout: () => [f32(384, 1), { ...conv, p: 0.3 }],
  maxPoolDropoutBackward: () => [f32(96, 2), f32(384, 1), { ...conv, p: 0.3 }],
  spatialDropout: () => [f32(384, 1), { ...conv, p: 0.3 }],
  spatialDropoutBackward: () => [f32(384, 1), { ...conv, p: 0.3 }],
  cutout: () => [f32(384, 1), { ...conv, size: 3 }],
  cutoutBackward: () => [f32(384, 1), { ...conv, size: 3 }],
  maxDrop: () => [f32(384, 1), { ...conv, p: 0.3 }],
  maxDropBackward: () => [f32(384, 2), f32(384, 1), { ...conv, p: 0.3 }],
  stochasticDropout: () => [f32(24, 1), { seed: 2 }],
  stochasticDropoutBackward: () => [f32(24, 1), { seed: 2 }],
  dropBlock: () => [f32(384, 1), { ...conv, blockSize: 3 }],
  dropBlockBackward: () => [f32(384, 1), { ...conv, blockSize: 3 }],
  dropPath: () => [f32(24, 1), f32(24, 2), { p: 0.3, shape: [4, 6], seed: 2 }],
  dropPathBackward: () => [f32(24, 1), { p: 0.3, shape: [4, 6], seed: 2 }],
  lstm: () => [f32(B * T * D, 1), lstmParams(), rnn],
  lstmBackward: () => [api.lstm(f32(B * T * D, 1), lstmParams(), rnn).tape, f32(B * T * H, 2), {}],
  gru: () => [f32(B * T * D, 1), gruParams(), rnn],
  gruBackward: () => [api.gru(f32(B * T * D, 1), gruParams(), rnn).tape, f32(B * T * H, 2), {}],
  embeddingDropout: () => [ids(12, 10, 1), f32(30, 2), { shape: [3, 4], vocabSize: 10, p: 0.3, seed: 3 }],
  embeddingDropoutBackward: () => [
    f32(36, 4),
    ids(12, 10, 1),
    { shape: [3, 4], vocabSize: 10, embeddingSize: 3, p: 0.3, seed: 3 },
  ],
  mcPredict: () => [
    (input: Float32Array, pass: api.McPass) => mlp.forward(input, { mode: 'mc', generator: pass.generator }),
    f32(9, 1),
    { seed: 3, examples: 3, samples: 4 },
  ],
  sbpNoise: () => [f32(384, 1), f32(3, 2).map((v) => v - 1), new Float32Array(3), { shape: [2, 3, 64], seed: 6 }],
  sbpNoiseBackward: () => [
    f32(384, 3),
    f32(384, 1),
    f32(3, 2).map((v) => v - 1),
    new Float32Array(3),
    { shape: [2, 3, 64], seed: 6 },
  ],
};

/** The kernel-level functions outside the registry, with their options position. */
export const KERNEL_CALLS: Record<string, { optionsAt: number; args: () => Args }> = {
  randomBits: { optionsAt: 1, args: () => [new Uint32Array(13), { seed: 1 }] },
  uniform: { optionsAt: 1, args: () => [new Float32Array(13), { seed: 1 }] },
  normal: { optionsAt: 1, args: () => [new Float32Array(13), { seed: 1, std: 2 }] },
  bernoulliMask: { optionsAt: 1, args: () => [new Uint8Array(13), { p: 0.3, seed: 1 }] },
  gaussianNoise: { optionsAt: 1, args: () => [f32(13, 1), { std: 0.5, seed: 1 }] },
  linear: { optionsAt: 3, args: () => [f32(12, 1), f32(24, 2), f32(4, 3), dense] },
};

/**
 * Every byte and number of a call's result, nested objects included, as one comparable string
 * (keys in `skip` left out: an RNN tape holds the call's backend, not data).
 */
export function resultBits(value: unknown, skip: readonly string[] = [], depth = 0): string {
  if (ArrayBuffer.isView(value)) {
    const bytes = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    return `${Object.prototype.toString.call(value)}:${bytes.toString('hex')}`;
  }
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (value === null || typeof value !== 'object' || depth > 4) return String(value);
  if (Array.isArray(value)) return `[${value.map((v) => resultBits(v, skip, depth + 1)).join(',')}]`;
  return `{${Object.keys(value)
    .filter((k) => !skip.includes(k))
    .sort()
    .map((k) => `${k}=${resultBits((value as Record<string, unknown>)[k], skip, depth + 1)}`)
    .join(',')}}`;
}
