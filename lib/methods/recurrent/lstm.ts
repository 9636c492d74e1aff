// The LSTM sequence op with every recurrent dropout placement (forward, RNNDrop, Semeniuta, Gal), and its
// backward pass through time. Gate products run on the backend's matmul kernel: one product for
// the inputs of all steps, one per step for the recurrence.
import { checkOptions } from '../../core/errors';
import {
  tapeFirst,
  withTape,
  brandTape,
  checkTape,
  GateGroup,
  RnnConfig,
  RnnGradients,
  RnnMasks,
  RnnOptions,
  checkWeights,
  drawMasks,
  gemm,
  maskSequence,
  multiply,
  rnnConfig,
  sigmoid,
  swapBatchTime,
} from './recurrent';
import { Async, callForm } from '../../async/form';

/** LSTM weights, gate order i, f, g, o (PyTorch's): W [4H, D], U [4H, H], b [4H]. */
export interface LstmParams {
  W: Float32Array;
  U: Float32Array;
  b: Float32Array;
}

/** What the forward pass keeps for `lstmBackward` (masks and activations of every step). */
export interface LstmTape {
  readonly cfg: RnnConfig;
  readonly params: LstmParams;
  readonly masks: RnnMasks;
  /** Masked inputs [T·B, D] per gate group, and the masked h_{t−1} [T·B, H] per group. */
  readonly xg: Float32Array[];
  readonly hg: Float32Array[];
  /** Post-activation gates [T, B, 4H], cell states before (cPrev) and after masking, tanh(c). */
  readonly gates: Float32Array;
  readonly cPrev: Float32Array;
  readonly cRaw: Float32Array;
  readonly tc: Float32Array;
}

/** What `lstm` returns. */
export interface LstmResult {
  /** h_t of every step, [B, T, H] (RNNDrop 'inverted-h': divided by q in training). */
  output: Float32Array;
  /** Final hidden state [B, H]. */
  h: Float32Array;
  /** Final cell state [B, H]. */
  c: Float32Array;
  /** Pass to `lstmBackward`. */
  tape: LstmTape;
}

/** Gradients of `lstmBackward`. */
export interface LstmGradients extends RnnGradients {
  db: Float32Array;
  dc0: Float32Array;
}

/** pre[:, r0:r1] of every step: the group's masked inputs times W[r0:r1]ᵀ plus b, as [T·B, r1 − r0]. */
function inputProducts(
  cfg: RnnConfig,
  p: LstmParams,
  xT: Float32Array,
  g: GateGroup,
  bias: Float32Array,
): { xg: Float32Array; xp: Float32Array } {
  const { B, T, D } = cfg,
    rows = g.r1 - g.r0;
  const xg = g.zx ? maskSequence(xT, g.zx, T, B * D) : xT;
  const xp = new Float32Array(T * B * rows);
  for (let r = 0; r < T * B; r++) xp.set(bias.subarray(g.r0, g.r1), r * rows);
  gemm(cfg.backend, xp, xg, p.W.subarray(g.r0 * D, g.r1 * D), T * B, rows, D, false, true, true);
  return { xg, xp };
}

/**
 * An LSTM over x [B, T, D]: i, f, o = sigm(·), g = tanh(·) of W x_t + U h_{t−1} + b,
 * c_t = f ⊙ c_{t−1} + i ⊙ g, h_t = o ⊙ tanh(c_t), with `dropout` placing masks:
 * 'forward' on x_t every step; 'rnndrop' on c_t once per sequence (c_t = m ⊙ (…), h_t /= q);
 * 'semeniuta' on g (i ⊙ m ⊙ g / q), every step or once per sequence; 'gal' on x_t and h_{t−1}
 * before every gate's product, once per sequence, tied (one mask for all gates) or untied.
 * @example const { output, h, c, tape } = lstm(x, { W, U, b }, { shape: [B, T, D], hiddenSize: H, dropout: { kind: 'gal' }, seed: 1 });
 */
export function lstm(x: Float32Array, params: LstmParams, options: RnnOptions): LstmResult {
  const cfg = rnnConfig(x, 4, options, true);
  const { B, T, D, H } = cfg;
  const p = checkOptions('params', params) as unknown as LstmParams;
  const W = checkWeights('params.W', p.W, 4 * H * D, '4 · hiddenSize · inputSize');
  const U = checkWeights('params.U', p.U, 4 * H * H, '4 · hiddenSize · hiddenSize');
  const b = checkWeights('params.b', p.b, 4 * H, '4 · hiddenSize');
  const masks = drawMasks(cfg, cfg.dropout);
  let xT = swapBatchTime(cfg.x, B, T, D);
  if (masks.x) xT = multiply(xT, masks.x);
  const inputs = masks.groups.map((g) => inputProducts(cfg, { W, U, b }, xT, g, b));
  const G = 4 * H,
    BH = B * H;
  const gates = new Float32Array(T * B * G),
    cPrev = new Float32Array(T * BH),
    cRaw = new Float32Array(T * BH),
    tc = new Float32Array(T * BH);
  const hg = masks.groups.map(() => new Float32Array(T * BH));
  const outT = new Float32Array(T * BH);
  const h = cfg.h0 ? cfg.h0.slice() : new Float32Array(BH);
  const c = cfg.c0 ? cfg.c0.slice() : new Float32Array(BH);
  const pre = new Float32Array(B * G);
  for (let t = 0; t < T; t++) {
    masks.groups.forEach((g, k) => {
      const rows = g.r1 - g.r0;
      const hm = hg[k].subarray(t * BH, (t + 1) * BH);
      for (let i = 0; i < BH; i++) hm[i] = g.zh ? h[i] * g.zh[i] : h[i];
      const part = inputs[k].xp.slice(t * B * rows, (t + 1) * B * rows);
      gemm(cfg.backend, part, hm, U.subarray(g.r0 * H, g.r1 * H), B, rows, H, false, true, true);
      for (let r = 0; r < B; r++) pre.set(part.subarray(r * rows, (r + 1) * rows), r * G + g.r0);
    });
    const gt = gates.subarray(t * B * G, (t + 1) * B * G);
    const cand = masks.candidate?.subarray(t * BH, (t + 1) * BH);
    cPrev.set(c, t * BH);
    for (let bb = 0; bb < B; bb++) {
      for (let j = 0; j < H; j++) {
        const at = bb * G + j,
          u = bb * H + j;
        const i = sigmoid(pre[at]),
          f = sigmoid(pre[at + H]),
          gg = Math.tanh(pre[at + 2 * H]),
          o = sigmoid(pre[at + 3 * H]);
        gt[at] = i;
        gt[at + H] = f;
        gt[at + 2 * H] = gg;
        gt[at + 3 * H] = o;
        const raw = f * c[u] + i * (cand ? gg * cand[u] : gg);
        cRaw[t * BH + u] = raw;
        let ct = raw;
        if (masks.cell) ct = raw * masks.cell[u] * cfg.cellScale;
        else if (cfg.evalCellScale !== 1) ct = raw * cfg.evalCellScale;
        c[u] = ct;
        const th = Math.tanh(ct);
        tc[t * BH + u] = th;
        h[u] = o * th * cfg.emitScale;
        outT[t * BH + u] = h[u];
      }
    }
  }
  const tape: LstmTape = brandTape(
    { cfg, params: { W, U, b }, masks, xg: inputs.map((i) => i.xg), hg, gates, cPrev, cRaw, tc },
    'lstm',
  );
  return { output: swapBatchTime(outT, B, T, H, true), h, c, tape };
}

/** Options of `lstmBackward`. */
export interface LstmBackwardOptions {
  /** Gradient of the final hidden state [B, H] (beyond what reaches it through `dOutput`). Default zeros. */
  dh?: Float32Array;
  /** Gradient of the final cell state [B, H]. Default zeros. */
  dc?: Float32Array;
}

/**
 * Backpropagation through time for `lstm`: gradients of x, W, U, b and the initial states from
 * dOutput [B, T, H], with the forward call's masks (kept in the tape).
 */
export function lstmBackward(tape: LstmTape, dOutput: Float32Array, options: LstmBackwardOptions = {}): LstmGradients {
  const opts = checkOptions('options', options);
  const { cfg, masks } = checkTape('tape', tape, 'lstm');
  const { B, T, D, H } = cfg,
    G = 4 * H,
    BH = B * H;
  const { W, U } = tape.params;
  const dOutT = swapBatchTime(checkWeights('dOutput', dOutput, B * T * H, 'batch · steps · hiddenSize'), B, T, H);
  const dh = opts.dh === undefined ? new Float32Array(BH) : checkWeights('dh', opts.dh, BH, 'batch · hiddenSize').slice();
  let dc = opts.dc === undefined ? new Float32Array(BH) : checkWeights('dc', opts.dc, BH, 'batch · hiddenSize').slice();
  const dPre = masks.groups.map((g) => new Float32Array(T * B * (g.r1 - g.r0)));
  const dpre = new Float32Array(B * G);
  for (let t = T - 1; t >= 0; t--) {
    const gt = tape.gates.subarray(t * B * G, (t + 1) * B * G);
    const cand = masks.candidate?.subarray(t * BH, (t + 1) * BH);
    const dcPrev = new Float32Array(BH);
    for (let bb = 0; bb < B; bb++) {
      for (let j = 0; j < H; j++) {
        const at = bb * G + j,
          u = bb * H + j,
          tu = t * BH + u;
        const i = gt[at],
          f = gt[at + H],
          gg = gt[at + 2 * H],
          o = gt[at + 3 * H];
        const dht = (dOutT[tu] + dh[u]) * cfg.emitScale;
        const th = tape.tc[tu];
        const dO = dht * th;
        let dct = dc[u] + dht * o * (1 - th * th);
        if (masks.cell) dct *= masks.cell[u] * cfg.cellScale;
        else if (cfg.evalCellScale !== 1) dct *= cfg.evalCellScale;
        const gm = cand ? gg * cand[u] : gg;
        const dI = dct * gm,
          dF = dct * tape.cPrev[tu],
          dGm = dct * i;
        const dG = cand ? dGm * cand[u] : dGm;
        dcPrev[u] = dct * f;
        dpre[at] = dI * i * (1 - i);
        dpre[at + H] = dF * f * (1 - f);
        dpre[at + 2 * H] = dG * (1 - gg * gg);
        dpre[at + 3 * H] = dO * o * (1 - o);
      }
    }
    dc = dcPrev;
    dh.fill(0);
    masks.groups.forEach((g, k) => {
      const rows = g.r1 - g.r0;
      const part = dPre[k].subarray(t * B * rows, (t + 1) * B * rows);
      for (let r = 0; r < B; r++) part.set(dpre.subarray(r * G + g.r0, r * G + g.r1), r * rows);
      const dhm = new Float32Array(BH);
      gemm(cfg.backend, dhm, part, U.subarray(g.r0 * H, g.r1 * H), B, H, rows, false, false, false);
      for (let u = 0; u < BH; u++) dh[u] += g.zh ? dhm[u] * g.zh[u] : dhm[u];
    });
  }
  const dW = new Float32Array(4 * H * D),
    dU = new Float32Array(4 * H * H),
    db = new Float32Array(G);
  const dxT = new Float32Array(T * B * D);
  masks.groups.forEach((g, k) => {
    const rows = g.r1 - g.r0;
    gemm(cfg.backend, dW.subarray(g.r0 * D, g.r1 * D), dPre[k], tape.xg[k], rows, D, T * B, true, false, false);
    gemm(cfg.backend, dU.subarray(g.r0 * H, g.r1 * H), dPre[k], tape.hg[k], rows, H, T * B, true, false, false);
    for (let r = 0; r < T * B; r++) for (let j = 0; j < rows; j++) db[g.r0 + j] += dPre[k][r * rows + j];
    const dxg = new Float32Array(T * B * D);
    gemm(cfg.backend, dxg, dPre[k], W.subarray(g.r0 * D, g.r1 * D), T * B, D, rows, false, false, false);
    for (let i = 0; i < dxg.length; i++) dxT[i] += g.zx ? dxg[i] * g.zx[i % (B * D)] : dxg[i];
  });
  if (masks.x) for (let i = 0; i < dxT.length; i++) dxT[i] *= masks.x[i];
  return { dx: swapBatchTime(dxT, B, T, D, true), dW, dU, db, dh0: dh, dc0: dc };
}

// Promise twins of the registry's forms: on Node each runs in a worker, with the bits of the sync form.
export const lstmAsync: Async<typeof lstm> = (...a) => callForm('lstm', lstm, a, withTape);
export const lstmBackwardAsync: Async<typeof lstmBackward> = (...a) => callForm('lstmBackward', lstmBackward, a, tapeFirst);
