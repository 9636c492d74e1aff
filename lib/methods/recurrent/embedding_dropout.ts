// Embedding (word-type) dropout (Gal & Ghahramani 2016): per sequence, each word type of the
// vocabulary is dropped with probability p, zeroing every occurrence of its embedding in that
// sequence; kept embeddings are scaled by 1/q.
import { streamWords } from '../../backends/interface';
import { dropThreshold } from '../../core/bernoulli';
import { checkMode } from '../../core/method';
import { checkArray, checkCount, checkOneOf, checkOptions, rangeError, typeError } from '../../core/errors';
import { StreamOptions, resolveDraw } from '../../core/options';
import type { Mode } from '../../core/method';
import { Async, callForm } from '../../async/form';
import { requireForwardSeed } from '../../core/method';

/** Options of `embeddingDropout` and `embeddingDropoutBackward`. */
export interface EmbeddingDropoutOptions extends StreamOptions {
  /** `[B, T]`: the shape of ids. */
  shape: readonly number[];
  /** V, the number of rows of the embedding table. */
  vocabSize: number;
  /** Drop probability of each word type per sequence. Default 0 (no dropout unless asked for). */
  p?: number;
  /** 'train' (default) and 'mc' drop word types; 'eval' only looks embeddings up. */
  mode?: Mode;
  /**
   * 'sequence' (default): one vocabulary mask per sequence (Gal & Ghahramani). 'call': one mask
   * for the whole call, every sequence of the batch alike — AWD-LSTM's `embedded_dropout`, which
   * masks the embedding matrix once per forward pass.
   */
  maskPer?: 'sequence' | 'call';
}

interface Plan {
  B: number;
  T: number;
  V: number;
  E: number;
  factor: Float32Array | null;
  /** One mask for every sequence (decision v), not one per sequence (decision b·V + v). */
  perCall: boolean;
}

function plan(ids: unknown, tableLength: number, opts: Record<string, unknown>): Plan & { ids: Int32Array } {
  const idv = checkArray('ids', ids, Int32Array);
  if (!Array.isArray(opts.shape) || opts.shape.length !== 2) throw typeError('shape', '[batch, steps]', opts.shape);
  const [B, T] = opts.shape.map((d, i) => checkCount(`shape[${i}]`, d));
  if (B * T !== idv.length)
    throw new RangeError(`Expected shape [${B}, ${T}] to hold ids.length = ${idv.length} ids but it holds ${B * T}`);
  const V = checkCount('vocabSize', opts.vocabSize);
  if (V === 0) throw rangeError('vocabSize', 'a positive integer', opts.vocabSize);
  if (tableLength % V !== 0)
    throw new RangeError(
      `Expected the table to hold vocabSize × embedding size values but ${tableLength} is not a multiple of ${V}`,
    );
  for (let i = 0; i < idv.length; i++) {
    if (idv[i] < 0 || idv[i] >= V) throw new RangeError(`Expected every id in [0, ${V}) but ids[${i}] is ${idv[i]}`);
  }
  const t = dropThreshold(opts.p === undefined ? 0 : (opts.p as number));
  const mode = checkMode(opts.mode);
  const perCall =
    (opts.maskPer === undefined ? 'sequence' : checkOneOf('maskPer', opts.maskPer, ['sequence', 'call'] as const)) === 'call';
  let factor: Float32Array | null = null;
  if (mode !== 'eval') {
    const keep = new Uint8Array(perCall ? V : B * V);
    const draw = resolveDraw(opts);
    draw.backend.bernoulliU8(keep, draw.counter, t);
    draw.commit(streamWords.bernoulli(keep.length));
    const scale = t === 65536 ? 0 : 65536 / (65536 - t);
    factor = Float32Array.from(keep, (k) => (k ? scale : 0));
  }
  return { ids: idv, B, T, V, E: tableLength / V, factor, perCall };
}

/**
 * Looks up ids [B, T] in table [V, E] and drops word types: out[b, t] = table[id] · z[b, id] / q,
 * z[b, v] ~ Bernoulli(q) the decision b·V + v of the call (one per sequence and type, shared by
 * every occurrence). Consumes ⌈B·V/2⌉ words; with `maskPer: 'call'`, z[v] is decision v, the same
 * for every sequence (AWD-LSTM), and the call consumes ⌈V/2⌉.
 * @returns the embedded sequences [B, T, E].
 */
export function embeddingDropout(ids: Int32Array, table: Float32Array, options: EmbeddingDropoutOptions): Float32Array {
  const opts = checkOptions('options', options);
  table = checkArray('table', table, Float32Array);
  const { ids: idv, B, T, V, E, factor, perCall } = plan(ids, table.length, opts);
  const out = new Float32Array(B * T * E);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const id = idv[b * T + t],
        f = factor ? factor[perCall ? id : b * V + id] : 1,
        o = (b * T + t) * E;
      for (let e = 0; e < E; e++) out[o + e] = table[id * E + e] * f;
    }
  }
  return out;
}

/** The gradient of the table: dTable[v] = Σ over occurrences of v of dOut[b, t] · z[b, v] / q (pass the forward call's seed, stream, offset). */
export function embeddingDropoutBackward(
  dOut: Float32Array,
  ids: Int32Array,
  options: EmbeddingDropoutOptions & { embeddingSize: number },
): Float32Array {
  const opts = checkOptions('options', options);
  dOut = checkArray('dOut', dOut, Float32Array);
  const E = checkCount('embeddingSize', opts.embeddingSize);
  const V = checkCount('vocabSize', opts.vocabSize);
  if (opts.mode !== 'eval') requireForwardSeed('embeddingDropoutBackward', opts);
  const { ids: idv, B, T, factor, perCall } = plan(ids, V * E, opts);
  if (dOut.length !== B * T * E)
    throw new RangeError(`Expected dOut to hold batch × steps × embeddingSize = ${B * T * E} values but received ${dOut.length}`);
  const dTable = new Float32Array(V * E);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const id = idv[b * T + t],
        f = factor ? factor[perCall ? id : b * V + id] : 1,
        o = (b * T + t) * E;
      for (let e = 0; e < E; e++) dTable[id * E + e] += dOut[o + e] * f;
    }
  }
  return dTable;
}

// Promise twins of the registry's forms: on Node each runs in a worker, with the bits of the sync form.
export const embeddingDropoutAsync: Async<typeof embeddingDropout> = (...a) => callForm('embeddingDropout', embeddingDropout, a);
export const embeddingDropoutBackwardAsync: Async<typeof embeddingDropoutBackward> = (...a) =>
  callForm('embeddingDropoutBackward', embeddingDropoutBackward, a);
