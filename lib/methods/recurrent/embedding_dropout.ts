// Embedding (word-type) dropout (Gal & Ghahramani 2016): per sequence, each word type of the
// vocabulary is dropped with probability p, zeroing every occurrence of its embedding in that
// sequence; kept embeddings are scaled by 1/q.
import { dropThreshold } from '../../core/bernoulli';
import { checkMode } from '../../core/method';
import { MAX_LENGTH, checkArray, checkCount, checkOneOf, checkOptions, rangeError, typeError } from '../../core/errors';
import { Draw, StreamOptions, resolveDraw } from '../../core/options';
import { advanceCounter } from '../../core/stream';
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

/** Decisions drawn by one kernel call at most: bounds the scratch whatever the vocabulary. */
const RUN_LIMIT = 4096;
/** Unseen decisions a run may draw to join the next seen one (cheaper than another kernel call). */
const RUN_GAP = 64;

/**
 * The factor (0 or 1/q, as float32) of every id occurrence, drawing only the decisions of the
 * word types seen: decision d = row·V + id sits in half d mod 2 of word ⌊d/2⌋ past the call's
 * position, so a run of nearby seen ids is one bernoulliU8 call at that word's counter. Work and
 * memory follow the ids, never the vocabulary.
 */
function occurrenceFactors(
  ids: Int32Array,
  B: number,
  T: number,
  V: number,
  perCall: boolean,
  draw: Draw,
  t: number,
): Float32Array {
  const scale = Math.fround(t === 65536 ? 0 : 65536 / (65536 - t));
  const factor = new Float32Array(ids.length);
  const rows = perCall ? 1 : B,
    width = perCall ? B * T : T;
  const keep = new Uint8Array(RUN_LIMIT + RUN_GAP + 2);
  for (let r = 0; r < rows && width > 0; r++) {
    const row = ids.subarray(r * width, (r + 1) * width);
    const seen = Int32Array.from(new Set(row)).sort();
    const kept = new Uint8Array(seen.length);
    // decisions of this row start at row·V: exact in a bigint (B·V reaches 2^64)
    const rowStart = perCall ? 0n : BigInt(r) * BigInt(V);
    const odd = Number(rowStart & 1n);
    for (let i = 0; i < seen.length;) {
      // first decision of the run on a word boundary (−1: the previous row's last decision)
      const first = seen[i] - ((seen[i] + odd) & 1);
      let j = i + 1;
      while (j < seen.length && seen[j] - seen[j - 1] <= RUN_GAP && seen[j] - first < RUN_LIMIT) j++;
      const n = seen[j - 1] - first + 1;
      const run = keep.subarray(0, n);
      draw.backend.bernoulliU8(run, advanceCounter(draw.counter, (rowStart + BigInt(first)) / 2n), t);
      for (let k = i; k < j; k++) kept[k] = run[seen[k] - first];
      i = j;
    }
    for (let k = 0; k < width; k++) factor[r * width + k] = kept[bisect(seen, row[k])] ? scale : 0;
  }
  return factor;
}

/** The index of `v` in the sorted array `a` (v is in a). */
function bisect(a: Int32Array, v: number): number {
  let lo = 0,
    hi = a.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

interface Plan {
  B: number;
  T: number;
  V: number;
  E: number;
  factor: Float32Array | null;
  /** The factor (0 or 1/q) of each id occurrence, in ids' order, or null in eval mode. */
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
    const draw = resolveDraw(opts);
    factor = occurrenceFactors(idv, B, T, V, perCall, draw, t);
    // the stream is defined over every (sequence, word type) decision, seen or not
    const decisions = perCall ? BigInt(V) : BigInt(B) * BigInt(V);
    draw.commit((decisions + 1n) / 2n);
  }
  return { ids: idv, B, T, V, E: tableLength / V, factor };
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
  const { ids: idv, B, T, E, factor } = plan(ids, table.length, opts);
  const out = new Float32Array(B * T * E);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const id = idv[b * T + t],
        f = factor ? factor[b * T + t] : 1,
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
  if (V * E > MAX_LENGTH)
    throw new RangeError(
      `Expected vocabSize × embeddingSize (the table's gradient) to be at most ${MAX_LENGTH} but it is ${V * E}`,
    );
  if (opts.mode !== 'eval') requireForwardSeed('embeddingDropoutBackward', opts);
  const { ids: idv, B, T, factor } = plan(ids, V * E, opts);
  if (dOut.length !== B * T * E)
    throw new RangeError(`Expected dOut to hold batch × steps × embeddingSize = ${B * T * E} values but received ${dOut.length}`);
  const dTable = new Float32Array(V * E);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const id = idv[b * T + t],
        f = factor ? factor[b * T + t] : 1,
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
