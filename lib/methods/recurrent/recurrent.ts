// What the LSTM and GRU sequence ops share: options, where each dropout kind puts its masks in
// the stream, the gate groups that masks split the products into, and layout helpers.
import type { Backend } from '../../backends/interface';
import { streamWords } from '../../backends/interface';
import { dropThreshold } from '../../core/bernoulli';
import { checkMode, Mode } from '../../core/method';
import {
  checkArray,
  checkCount,
  checkOneOf,
  checkOptions,
  checkProbability,
  rangeError,
  typeError,
  isDetached,
} from '../../core/errors';
import { Draw, StreamOptions, resolveDraw } from '../../core/options';
import { getBackend } from '../../backends/select';
import { advanceCounter, checkStreamEnd } from '../../core/stream';
import type { CloneHooks } from '../../async/call';

/** Stream words of a mask of n keep decisions. */
const maskWords = streamWords.bernoulli;

/**
 * Where the per-step masks of a call start and end, in words past its position: firstStep · W and
 * (firstStep + T) · W reach 2^63, past a double's exact integers, so they are bigints, checked
 * against the end of the stream before anything is drawn or the generator moves.
 */
function perStepSpan(cfg: RnnConfig, n: number): { skip: bigint; end: bigint } {
  const w = BigInt(maskWords(n));
  const skip = BigInt(cfg.firstStep) * w,
    end = skip + BigInt(cfg.T) * w;
  checkStreamEnd('firstStep', cfg.firstStep, cfg.draw.counter, end);
  return { skip, end };
}

/** Where an RNN's dropout masks go (the README's recurrent methods table); every mask is per example. */
export type RnnDropout =
  | { kind: 'none' }
  /** Zaremba-style baseline: a fresh mask on x_t every step. */
  | { kind: 'forward'; p: number }
  /** RNNDrop: one mask per sequence on the cell state (LSTM) or the carried state (GRU). */
  | { kind: 'rnndrop'; p: number; scaling?: RnnDropScaling }
  /** Semeniuta et al.: a mask on the candidate update, every step (default) or once per sequence. */
  | { kind: 'semeniuta'; p: number; maskSampling?: 'per-step' | 'per-sequence' }
  /** Gal & Ghahramani: per-sequence masks on x_t and h_{t−1} before every gate's product. */
  | { kind: 'gal'; px?: number; ph?: number; tied?: boolean };

/**
 * Where RNNDrop's 1/q goes. 'inverted-h' (default): the cell is masked unscaled and the emitted
 * state divided by q once. The two compounding variants exist only to reproduce other code.
 */
export type RnnDropScaling = 'inverted-h' | 'reproduce-inverted-c' | 'reproduce-testtime-c';
const RNNDROP_SCALINGS: readonly RnnDropScaling[] = ['inverted-h', 'reproduce-inverted-c', 'reproduce-testtime-c'];
const KINDS = ['none', 'forward', 'rnndrop', 'semeniuta', 'gal'] as const;

/** Options of `lstm` and `gru`. */
export interface RnnOptions extends StreamOptions {
  /** Shape of x: [batch, steps, inputSize] (batch first). */
  shape: readonly [number, number, number] | readonly number[];
  /** H, the size of the hidden state. */
  hiddenSize: number;
  /** Initial hidden state [batch, H]. Default zeros. */
  h0?: Float32Array;
  /** Initial cell state [batch, H] (LSTM only). Default zeros. */
  c0?: Float32Array;
  /** Where the masks go. Default { kind: 'none' }. */
  dropout?: RnnDropout;
  /** 'train' (default) and 'mc' draw masks; 'eval' uses none (see each kind for its scaling). */
  mode?: Mode;
  /**
   * GRU only. true (default): the reset gate multiplies U_n h + bU_n (reset after the product,
   * PyTorch's and Keras's default). false: n = tanh(W_n x + bW_n + U_n (r ⊙ h) + bU_n), the reset
   * before it (Cho et al. 2014; Keras `reset_after=False`).
   */
  resetAfter?: boolean;
  /**
   * Index of the first step, for truncated BPTT: per-step masks of step t use mask index
   * firstStep + t, so a later chunk at the same stream position continues the sequence's masks
   * (per-sequence masks are the same for every chunk). Default 0.
   */
  firstStep?: number;
}

export interface RnnConfig {
  /** x as checked: every later read goes through this view. */
  x: Float32Array;
  /** The `dropout` option's snapshot. */
  dropout: RnnDropout & Record<string, unknown>;
  /** GRU: the reset-after form (resetAfter, read from the options' snapshot; default true). */
  resetAfter: boolean;
  B: number;
  T: number;
  D: number;
  H: number;
  gates: number;
  mode: Mode;
  kind: RnnDropout['kind'];
  q: number;
  /** RNNDrop: the factor of the emitted state (1/q in training with 'inverted-h', else 1). */
  emitScale: number;
  /** RNNDrop: factor applied with the cell mask (1, or 1/q for 'reproduce-inverted-c'). */
  cellScale: number;
  /** RNNDrop 'reproduce-testtime-c' at eval: c scaled by q every step. */
  evalCellScale: number;
  perStepCandidate: boolean;
  tied: boolean;
  h0: Float32Array | null;
  c0: Float32Array | null;
  firstStep: number;
  draw: Draw;
  backend: Backend;
}

/** Gate rows [r0, r1) of W and U that share one x mask and one h mask (all gates when tied). */
export interface GateGroup {
  r0: number;
  r1: number;
  /** Per-sequence factors [B, D] (0 or 1/q_x), or null. */
  zx: Float32Array | null;
  /** Per-sequence factors [B, H] (0 or 1/q_h), or null. */
  zh: Float32Array | null;
}

/** The masks of one forward call, as factors (0 or 1/q, or 0/1 for RNNDrop's cell mask). */
export interface RnnMasks {
  /** Forward dropout: [T, B, D] factors on x_t. */
  x: Float32Array | null;
  /** Semeniuta: [T, B, H] factors (per-sequence masks repeated). */
  candidate: Float32Array | null;
  /** RNNDrop: [B, H] 0/1 cell mask. */
  cell: Float32Array | null;
  groups: GateGroup[];
}

const checkSize = (name: string, v: unknown): number => {
  const n = checkCount(name, v);
  if (n === 0) throw rangeError(name, 'a positive integer', v);
  return n;
};

function checkDropout(value: unknown): RnnDropout & Record<string, unknown> {
  if (value === undefined) return { kind: 'none' };
  const d = checkOptions('dropout', value);
  checkOneOf('dropout.kind', d.kind, KINDS);
  return d as RnnDropout & Record<string, unknown>;
}

export function rnnConfig(x: unknown, gates: number, options: unknown, cell: boolean): RnnConfig {
  const opts = checkOptions('options', options);
  const xs = checkArray('x', x, Float32Array);
  if (!Array.isArray(opts.shape) || opts.shape.length !== 3) throw typeError('shape', '[batch, steps, inputSize]', opts.shape);
  const [B, T, D] = opts.shape.map((v, i) => checkSize(`shape[${i}]`, v));
  if (B * T * D !== xs.length)
    throw new RangeError(`Expected shape [${B}, ${T}, ${D}] to hold x.length = ${xs.length} values but it holds ${B * T * D}`);
  const H = checkSize('hiddenSize', opts.hiddenSize);
  const mode = checkMode(opts.mode);
  const d = checkDropout(opts.dropout);
  const stochastic = mode !== 'eval';
  let q = 1,
    emitScale = 1,
    cellScale = 1,
    evalCellScale = 1,
    perStepCandidate = true,
    tied = true;
  if (d.kind === 'forward' || d.kind === 'rnndrop' || d.kind === 'semeniuta') {
    q = 1 - dropThreshold(checkProbability('dropout.p', d.p)) / 65536;
  }
  if (d.kind === 'rnndrop') {
    const scaling = d.scaling === undefined ? 'inverted-h' : checkOneOf('dropout.scaling', d.scaling, RNNDROP_SCALINGS);
    if (scaling === 'inverted-h' && stochastic) emitScale = q === 0 ? 0 : 1 / q;
    if (scaling === 'reproduce-inverted-c' && stochastic) cellScale = q === 0 ? 0 : 1 / q;
    if (scaling === 'reproduce-testtime-c' && !stochastic) evalCellScale = q;
  }
  if (d.kind === 'semeniuta' && d.maskSampling !== undefined) {
    perStepCandidate = checkOneOf('dropout.maskSampling', d.maskSampling, ['per-step', 'per-sequence'] as const) === 'per-step';
  }
  if (d.kind === 'gal') {
    if (d.px !== undefined) checkProbability('dropout.px', d.px);
    if (d.ph !== undefined) checkProbability('dropout.ph', d.ph);
    if (d.tied !== undefined && typeof d.tied !== 'boolean') throw typeError('dropout.tied', 'a boolean', d.tied);
    tied = d.tied !== false;
  }
  const state = (name: string, v: unknown): Float32Array | null => {
    if (v === undefined || v === null) return null;
    const a = checkArray(name, v, Float32Array);
    if (a.length !== B * H)
      throw new RangeError(`Expected ${name} to hold batch * hiddenSize = ${B * H} values but received ${a.length}`);
    return a;
  };
  if (!cell && opts.c0 !== undefined) throw new TypeError('Expected no c0: a GRU has no cell state');
  if (cell && opts.resetAfter !== undefined) throw new TypeError('Expected no resetAfter: an LSTM has no reset gate');
  if (opts.resetAfter !== undefined && typeof opts.resetAfter !== 'boolean')
    throw typeError('resetAfter', 'a boolean', opts.resetAfter);
  const firstStep = opts.firstStep === undefined ? 0 : checkCount('firstStep', opts.firstStep);
  const draw = resolveDraw(opts);
  return {
    x: xs,
    dropout: d,
    resetAfter: opts.resetAfter !== false,
    B,
    T,
    D,
    H,
    gates,
    mode,
    kind: d.kind,
    q,
    emitScale,
    cellScale,
    evalCellScale,
    perStepCandidate,
    tied,
    h0: state('h0', opts.h0),
    c0: cell ? state('c0', opts.c0) : null,
    firstStep,
    draw,
    backend: draw.backend,
  };
}

/** Checks a weight array's length. */
export function checkWeights(name: string, value: unknown, length: number, what: string): Float32Array {
  const a = checkArray(name, value, Float32Array);
  if (a.length !== length) throw new RangeError(`Expected ${name} to hold ${what} = ${length} values but received ${a.length}`);
  return a;
}

/**
 * Keep factors (0 or scale) of `count` masks of n decisions each, mask k at words + k·⌈n/2⌉ past
 * the call's position: one kernel call when the masks tile the stream exactly (n even).
 */
function factors(cfg: RnnConfig, n: number, words: number | bigint, p: number, scale: number, count = 1): Float32Array {
  const keep = new Uint8Array(n * count),
    t = dropThreshold(p);
  if (n % 2 === 0 || count === 1) {
    cfg.backend.bernoulliU8(keep, advanceCounter(cfg.draw.counter, words), t);
  } else {
    for (let k = 0; k < count; k++)
      cfg.backend.bernoulliU8(
        keep.subarray(k * n, (k + 1) * n),
        advanceCounter(cfg.draw.counter, BigInt(words) + BigInt(k * maskWords(n))),
        t,
      );
  }
  const out = new Float32Array(keep.length);
  for (let i = 0; i < keep.length; i++) out[i] = keep[i] ? scale : 0;
  return out;
}

/**
 * Draws this call's masks and advances the generator. Stream layout from the call's offset o
 * (W(n) = ⌈n/2⌉ words per mask of n decisions):
 * forward: mask of step s at o + s·W(B·D); rnndrop: o; semeniuta per-step: step s at
 * o + s·W(B·H), per-sequence: o; gal tied: z_x at o, z_h at o + W(B·D); gal untied: z_x of gate
 * k at o + k·W(B·D), z_h of gate k at o + G·W(B·D) + k·W(B·H). Steps s count from firstStep.
 */
export function drawMasks(cfg: RnnConfig, dropout: RnnDropout & Record<string, unknown>): RnnMasks {
  const { B, T, D, H, gates } = cfg;
  const all: GateGroup = { r0: 0, r1: gates * H, zx: null, zh: null };
  const masks: RnnMasks = { x: null, candidate: null, cell: null, groups: [all] };
  if (cfg.mode === 'eval' || dropout.kind === 'none') return masks;
  const inv = (q: number): number => (q === 0 ? 0 : 1 / q);
  let words: number | bigint = 0;
  if (dropout.kind === 'forward') {
    const span = perStepSpan(cfg, B * D);
    masks.x = factors(cfg, B * D, span.skip, dropout.p, inv(cfg.q), T);
    words = span.end;
  } else if (dropout.kind === 'rnndrop') {
    masks.cell = factors(cfg, B * H, 0, dropout.p, 1);
    words = maskWords(B * H);
  } else if (dropout.kind === 'semeniuta') {
    if (cfg.perStepCandidate) {
      const span = perStepSpan(cfg, B * H);
      masks.candidate = factors(cfg, B * H, span.skip, dropout.p, inv(cfg.q), T);
      words = span.end;
    } else {
      const once = factors(cfg, B * H, 0, dropout.p, inv(cfg.q));
      masks.candidate = new Float32Array(T * B * H);
      for (let t = 0; t < T; t++) masks.candidate.set(once, t * B * H);
      words = maskWords(B * H);
    }
  } else {
    const px = dropout.px ?? 0.25,
      ph = dropout.ph ?? 0.25;
    const qx = 1 - dropThreshold(px) / 65536,
      qh = 1 - dropThreshold(ph) / 65536;
    const n = cfg.tied ? 1 : gates;
    masks.groups = [];
    for (let k = 0; k < n; k++) {
      masks.groups.push({
        r0: cfg.tied ? 0 : k * H,
        r1: cfg.tied ? gates * H : (k + 1) * H,
        zx: factors(cfg, B * D, k * maskWords(B * D), px, inv(qx)),
        zh: factors(cfg, B * H, n * maskWords(B * D) + k * maskWords(B * H), ph, inv(qh)),
      });
    }
    words = n * (maskWords(B * D) + maskWords(B * H));
  }
  cfg.draw.commit(words);
  return masks;
}

/** [B, T, D] → [T, B, D] (and back with `inverse`). */
export function swapBatchTime(x: Float32Array, B: number, T: number, D: number, inverse = false): Float32Array {
  const out = new Float32Array(x.length);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const bt = (b * T + t) * D,
        tb = (t * B + b) * D;
      if (inverse) out.set(x.subarray(tb, tb + D), bt);
      else out.set(x.subarray(bt, bt + D), tb);
    }
  }
  return out;
}

/** x ⊙ factors, elementwise. */
export function multiply(x: Float32Array, factors: Float32Array): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i] * factors[i];
  return out;
}

/** x [T·B, D] times per-sequence factors z [B, D] (the same for every t). */
export function maskSequence(x: Float32Array, z: Float32Array, T: number, BD: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let t = 0; t < T; t++) for (let i = 0; i < BD; i++) out[t * BD + i] = x[t * BD + i] * z[i];
  return out;
}

/** c = a · op(b) (+ c), the backend's product (see Backend.matmul). */
export function gemm(
  backend: Backend,
  c: Float32Array,
  a: Float32Array,
  b: Float32Array,
  m: number,
  n: number,
  k: number,
  transA: boolean,
  transB: boolean,
  accumulate: boolean,
): void {
  backend.matmul(c, a, b, null, m, n, k, transA, transB, accumulate);
}

export const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/** Gradients of an RNN's weights and inputs. */
export interface RnnGradients {
  dx: Float32Array;
  dW: Float32Array;
  dU: Float32Array;
  dh0: Float32Array;
}

/** Which op made each tape: backward passes accept only tapes their forward op returned. */
const TAPES = new WeakMap<object, RnnKind>();

/** The sequence ops whose tapes a backward pass replays. */
export type RnnKind = 'lstm' | 'gru';

/** Marks `tape` as made by `kind` (the forward op, or a tape revived from a worker's clone). */
export function brandTape<T extends object>(tape: T, kind: RnnKind): T {
  TAPES.set(freezeTape(tape, 0), kind);
  return tape;
}

// A tape's members are the library's own arrays: frozen, so a caller cannot swap one for an array
// that lies about its length; the backend it names is shared state and stays as it is.
const SHARED_MEMBERS = new Set(['backend', 'draw']);
const isPlain = (v: unknown): v is object =>
  v !== null && typeof v === 'object' && (Array.isArray(v) || [Object.prototype, null].includes(Object.getPrototypeOf(v)));

function freezeTape<T extends object>(value: T, depth: number): T {
  Object.freeze(value);
  if (depth < 4)
    for (const [key, member] of Object.entries(value))
      if (!SHARED_MEMBERS.has(key) && isPlain(member)) freezeTape(member, depth + 1);
  return value;
}

/** The first typed array of the tape whose buffer was detached (transferred) after the forward call. */
function detachedMember(value: object, path: string, depth: number): string | undefined {
  for (const [key, member] of Object.entries(value)) {
    if (SHARED_MEMBERS.has(key)) continue;
    if (ArrayBuffer.isView(member)) {
      if (isDetached(member.buffer)) return `${path}.${key}`;
    } else if (depth < 4 && isPlain(member)) {
      const found = detachedMember(member, `${path}.${key}`, depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

/** `tape`, if `kind`'s forward op returned it; a TypeError naming the argument otherwise. */
export function checkTape<T>(name: string, tape: T, kind: RnnKind): T {
  if (typeof tape !== 'object' || tape === null || TAPES.get(tape) !== kind)
    throw typeError(name, `the tape of a ${kind} call`, tape);
  const detached = detachedMember(tape, name, 0);
  if (detached) throw new TypeError(`Expected the tape of a ${kind} call for ${name} but ${detached} is detached`);
  return tape;
}

/** A tape without its functions (the backend becomes its name), so it can cross to a worker. */
export function tapeToClone(tape: unknown): unknown {
  const kind = typeof tape === 'object' && tape !== null ? TAPES.get(tape) : undefined;
  if (kind === undefined) throw typeError('tape', 'the tape of an lstm or gru call', tape);
  const t = tape as { cfg: RnnConfig };
  return { ...t, kind, cfg: { ...t.cfg, draw: null, backend: t.cfg.backend.name } };
}

/** The tape back from `tapeToClone`, with this thread's backend of that name. */
export function tapeFromClone(value: unknown): unknown {
  const { kind, ...t } = value as { kind: RnnKind; cfg: Record<string, unknown> };
  return brandTape({ ...t, cfg: { ...t.cfg, backend: getBackend(t.cfg.backend) } }, kind);
}

// The sequence ops return a tape for the backward pass: it crosses threads without its functions.
export const withTape: CloneHooks = {
  toClone: (r) => ({ ...(r as object), tape: tapeToClone((r as { tape: unknown }).tape) }),
  fromClone: (r) => ({ ...(r as object), tape: tapeFromClone((r as { tape: unknown }).tape) }),
};
export const tapeFirst: CloneHooks = {
  drawsNothing: true,
  prepareArgs: (a) => [tapeToClone(a[0]), ...a.slice(1)],
  reviveArgs: (a) => [tapeFromClone(a[0]), ...a.slice(1)],
};
/** The hooks a worker applies to the methods whose arguments or results hold a tape. */
export const WORKER_HOOKS: Record<string, CloneHooks> = {
  lstm: withTape,
  lstmBackward: tapeFirst,
  gru: withTape,
  gruBackward: tapeFirst,
};
