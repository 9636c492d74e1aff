// The GRU sequence op with the recurrent dropout placements (forward, RNNDrop, Semeniuta, Gal), and its
// backward pass through time. Same plumbing as the LSTM (recurrent.ts); three gates r, z, n.
import { checkOptions } from '../../core/errors';
import {
  tapeFirst,
  withTape,
  brandTape,
  checkTape,
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

/** GRU weights, gate order r, z, n: W [3H, D], U [3H, H], input bias bW [3H], recurrent bias bU [3H]. */
export interface GruParams {
  W: Float32Array;
  U: Float32Array;
  bW: Float32Array;
  bU: Float32Array;
}

/** What the forward pass keeps for `gruBackward`. */
export interface GruTape {
  readonly cfg: RnnConfig;
  readonly params: GruParams;
  readonly masks: RnnMasks;
  readonly xg: Float32Array[];
  readonly hg: Float32Array[];
  /** False for the reset-before form (options.resetAfter false). */
  readonly resetAfter: boolean;
  /** r, z, n per step [T, B, 3H]; U h + bU per step [T, B, 3H] (reset-before: U_n (r ⊙ h) + bU_n in the n rows); h_{t−1} [T, B, H]. */
  readonly gates: Float32Array;
  readonly uh: Float32Array;
  readonly hPrev: Float32Array;
}

/** What `gru` returns. */
export interface GruResult {
  /** The emitted state of every step, [B, T, H] (RNNDrop 'inverted-h': divided by q in training). */
  output: Float32Array;
  /** Final carried state [B, H]. */
  h: Float32Array;
  tape: GruTape;
}

export interface GruGradients extends RnnGradients {
  dbW: Float32Array;
  dbU: Float32Array;
}

/**
 * A GRU over x [B, T, D]: r, z = sigm(W x_t + bW + U h̃ + bU), n = tanh(W_n x_t + bW_n +
 * r ⊙ (U_n h̃ + bU_n)), h_t = (1 − z) ⊙ h_{t−1} + z ⊙ n (Chung et al.'s form, z weighting the
 * candidate). `resetAfter: false` gives the reset-before form n = tanh(W_n x_t + bW_n +
 * U_n (r ⊙ h̃) + bU_n) (Cho et al.; Keras reset_after=False). `dropout`: 'forward' on x_t; 'rnndrop' masks the carried
 * state once per sequence (the GRU's memory: h_t = m ⊙ (…)) and emits h_t / q; 'semeniuta' masks
 * the candidate n; 'gal' masks x_t and h_{t−1} before every gate's product.
 */
export function gru(x: Float32Array, params: GruParams, options: RnnOptions): GruResult {
  const cfg = rnnConfig(x, 3, options, false);
  const { B, T, D, H } = cfg;
  const p = checkOptions('params', params) as unknown as GruParams;
  const W = checkWeights('params.W', p.W, 3 * H * D, '3 · hiddenSize · inputSize');
  const U = checkWeights('params.U', p.U, 3 * H * H, '3 · hiddenSize · hiddenSize');
  const bW = checkWeights('params.bW', p.bW, 3 * H, '3 · hiddenSize');
  const bU = checkWeights('params.bU', p.bU, 3 * H, '3 · hiddenSize');
  const resetAfter = cfg.resetAfter;
  const masks = drawMasks(cfg, cfg.dropout);
  let xT = swapBatchTime(cfg.x, B, T, D);
  if (masks.x) xT = multiply(xT, masks.x);
  const G = 3 * H,
    BH = B * H;
  const xg = masks.groups.map((g) => (g.zx ? maskSequence(xT, g.zx, T, B * D) : xT));
  // input products of all steps, [T·B, 3H], each group filling its gate columns
  const xp = new Float32Array(T * B * G);
  masks.groups.forEach((g, k) => {
    const rows = g.r1 - g.r0,
      part = new Float32Array(T * B * rows);
    gemm(cfg.backend, part, xg[k], W.subarray(g.r0 * D, g.r1 * D), T * B, rows, D, false, true, false);
    for (let r = 0; r < T * B; r++) for (let j = 0; j < rows; j++) xp[r * G + g.r0 + j] = part[r * rows + j] + bW[g.r0 + j];
  });
  const gates = new Float32Array(T * B * G),
    uh = new Float32Array(T * B * G),
    hPrev = new Float32Array(T * BH);
  const hg = masks.groups.map(() => new Float32Array(T * BH));
  const outT = new Float32Array(T * BH);
  const h = cfg.h0 ? cfg.h0.slice() : new Float32Array(BH);
  for (let t = 0; t < T; t++) {
    hPrev.set(h, t * BH);
    const ut = uh.subarray(t * B * G, (t + 1) * B * G);
    // U h̃ + bU for the group's rows [from, to) of every example, with h̃ = hm (or r ⊙ hm)
    const recurrent = (hm: Float32Array, from: number, to: number): void => {
      const rows = to - from;
      if (rows <= 0) return;
      const part = new Float32Array(B * rows);
      gemm(cfg.backend, part, hm, U.subarray(from * H, to * H), B, rows, H, false, true, false);
      for (let r = 0; r < B; r++) for (let j = 0; j < rows; j++) ut[r * G + from + j] = part[r * rows + j] + bU[from + j];
    };
    masks.groups.forEach((g, k) => {
      const hm = hg[k].subarray(t * BH, (t + 1) * BH);
      for (let i = 0; i < BH; i++) hm[i] = g.zh ? h[i] * g.zh[i] : h[i];
      recurrent(hm, g.r0, resetAfter ? g.r1 : Math.min(g.r1, 2 * H));
    });
    const gt = gates.subarray(t * B * G, (t + 1) * B * G);
    if (!resetAfter) {
      // reset before the product: the candidate's rows need r first
      for (let bb = 0; bb < B; bb++)
        for (let j = 0; j < H; j++) gt[bb * G + j] = sigmoid(xp[(t * B + bb) * G + j] + ut[bb * G + j]);
      masks.groups.forEach((g, k) => {
        if (g.r1 <= 2 * H) return;
        const hm = hg[k].subarray(t * BH, (t + 1) * BH);
        recurrent(
          hm.map((v, i) => v * gt[Math.floor(i / H) * G + (i % H)]),
          Math.max(g.r0, 2 * H),
          g.r1,
        );
      });
    }
    const cand = masks.candidate?.subarray(t * BH, (t + 1) * BH);
    for (let bb = 0; bb < B; bb++) {
      for (let j = 0; j < H; j++) {
        const at = bb * G + j,
          u = bb * H + j,
          x0 = (t * B + bb) * G + j;
        const r = sigmoid(xp[x0] + ut[at]),
          z = sigmoid(xp[x0 + H] + ut[at + H]);
        const n = Math.tanh(xp[x0 + 2 * H] + (resetAfter ? r * ut[at + 2 * H] : ut[at + 2 * H]));
        gt[at] = r;
        gt[at + H] = z;
        gt[at + 2 * H] = n;
        const nm = cand ? n * cand[u] : n;
        let hn = (1 - z) * h[u] + z * nm;
        if (masks.cell) hn *= masks.cell[u] * cfg.cellScale;
        else if (cfg.evalCellScale !== 1) hn *= cfg.evalCellScale;
        h[u] = hn;
        outT[t * BH + u] = hn * cfg.emitScale;
      }
    }
  }
  const tape: GruTape = brandTape({ cfg, params: { W, U, bW, bU }, masks, resetAfter, xg, hg, gates, uh, hPrev }, 'gru');
  return { output: swapBatchTime(outT, B, T, H, true), h, tape };
}

/**
 * Backpropagation through time for `gru`: gradients of x, W, U, bW, bU and h0 from dOutput
 * [B, T, H] (and `dh`, the final state's gradient), with the forward call's masks.
 */
export function gruBackward(tape: GruTape, dOutput: Float32Array, options: { dh?: Float32Array } = {}): GruGradients {
  const opts = checkOptions('options', options);
  const { cfg, masks } = checkTape('tape', tape, 'gru');
  const { B, T, D, H } = cfg,
    G = 3 * H,
    BH = B * H;
  const { W, U } = tape.params;
  const dOutT = swapBatchTime(checkWeights('dOutput', dOutput, B * T * H, 'batch · steps · hiddenSize'), B, T, H);
  let dh = opts.dh === undefined ? new Float32Array(BH) : checkWeights('dh', opts.dh, BH, 'batch · hiddenSize').slice();
  const dXp = new Float32Array(T * B * G),
    dUh = new Float32Array(T * B * G);
  const resetAfter = tape.resetAfter;
  const dUg = masks.groups.map((g) => new Float32Array(T * B * (g.r1 - g.r0)));
  // reset-before: the group holding the candidate's rows, whose h̃ enters U_n (r ⊙ h̃)
  const nGroup = masks.groups.findIndex((g) => g.r1 > 2 * H);
  for (let t = T - 1; t >= 0; t--) {
    const gt = tape.gates.subarray(t * B * G, (t + 1) * B * G),
      ut = tape.uh.subarray(t * B * G, (t + 1) * B * G);
    const cand = masks.candidate?.subarray(t * BH, (t + 1) * BH);
    const dhPrev = new Float32Array(BH);
    const dpnAll = new Float32Array(BH),
      dzAll = new Float32Array(BH);
    for (let bb = 0; bb < B; bb++) {
      for (let j = 0; j < H; j++) {
        const at = bb * G + j,
          u = bb * H + j,
          tu = t * BH + u;
        const z = gt[at + H],
          n = gt[at + 2 * H],
          hp = tape.hPrev[tu];
        let dhn = dOutT[tu] * cfg.emitScale + dh[u];
        if (masks.cell) dhn *= masks.cell[u] * cfg.cellScale;
        else if (cfg.evalCellScale !== 1) dhn *= cfg.evalCellScale;
        const nm = cand ? n * cand[u] : n;
        dzAll[u] = dhn * (nm - hp);
        const dn = cand ? dhn * z * cand[u] : dhn * z;
        dhPrev[u] = dhn * (1 - z);
        dpnAll[u] = dn * (1 - n * n);
      }
    }
    // reset-before: d(r ⊙ h̃) = dpn · U_n, shared by dr and the candidate group's dh̃
    let dRh: Float32Array | null = null;
    if (!resetAfter) {
      dRh = new Float32Array(BH);
      gemm(cfg.backend, dRh, dpnAll, U.subarray(2 * H * H, 3 * H * H), B, H, H, false, false, false);
    }
    const hn = nGroup < 0 ? null : tape.hg[nGroup].subarray(t * BH, (t + 1) * BH);
    for (let bb = 0; bb < B; bb++) {
      for (let j = 0; j < H; j++) {
        const at = bb * G + j,
          u = bb * H + j,
          x0 = (t * B + bb) * G + j;
        const r = gt[at],
          z = gt[at + H],
          dpn = dpnAll[u];
        const dr = dRh ? dRh[u] * hn![u] : dpn * ut[at + 2 * H];
        const dpr = dr * r * (1 - r),
          dpz = dzAll[u] * z * (1 - z);
        dXp[x0] = dpr;
        dXp[x0 + H] = dpz;
        dXp[x0 + 2 * H] = dpn;
        dUh[x0] = dpr;
        dUh[x0 + H] = dpz;
        dUh[x0 + 2 * H] = resetAfter ? dpn * r : dpn;
      }
    }
    masks.groups.forEach((g, k) => {
      const rows = g.r1 - g.r0;
      const part = dUg[k].subarray(t * B * rows, (t + 1) * B * rows);
      for (let r = 0; r < B; r++) for (let j = 0; j < rows; j++) part[r * rows + j] = dUh[(t * B + r) * G + g.r0 + j];
      const dhm = new Float32Array(BH);
      // reset-before: the candidate's rows reach h̃ through r ⊙ h̃, added below
      const to = resetAfter ? g.r1 : Math.min(g.r1, 2 * H);
      if (to > g.r0) {
        const sub = to === g.r1 ? part : new Float32Array(B * (to - g.r0));
        if (sub !== part)
          for (let r = 0; r < B; r++) for (let j = 0; j < to - g.r0; j++) sub[r * (to - g.r0) + j] = part[r * rows + j];
        gemm(cfg.backend, dhm, sub, U.subarray(g.r0 * H, to * H), B, H, to - g.r0, false, false, false);
      }
      if (dRh && k === nGroup) for (let u = 0; u < BH; u++) dhm[u] += dRh[u] * gt[Math.floor(u / H) * G + (u % H)];
      for (let u = 0; u < BH; u++) dhPrev[u] += g.zh ? dhm[u] * g.zh[u] : dhm[u];
    });
    dh = dhPrev;
  }
  const dW = new Float32Array(G * D),
    dU = new Float32Array(G * H),
    dbW = new Float32Array(G),
    dbU = new Float32Array(G);
  for (let r = 0; r < T * B; r++)
    for (let j = 0; j < G; j++) {
      dbW[j] += dXp[r * G + j];
      dbU[j] += dUh[r * G + j];
    }
  const dxT = new Float32Array(T * B * D);
  masks.groups.forEach((g, k) => {
    const rows = g.r1 - g.r0;
    const dXg = new Float32Array(T * B * rows);
    for (let r = 0; r < T * B; r++) for (let j = 0; j < rows; j++) dXg[r * rows + j] = dXp[r * G + g.r0 + j];
    gemm(cfg.backend, dW.subarray(g.r0 * D, g.r1 * D), dXg, tape.xg[k], rows, D, T * B, true, false, false);
    const hIn = tape.hg[k];
    if (!resetAfter && g.r1 > 2 * H) {
      // the candidate's rows multiplied r ⊙ h̃, the group's other rows h̃: two products
      const split = Math.max(g.r0, 2 * H) - g.r0;
      const rh = hIn.map((v, i) => v * tape.gates[Math.floor(i / H) * G + (i % H)]);
      if (split > 0) {
        const dRows = new Float32Array(T * B * split);
        for (let r = 0; r < T * B; r++) for (let j = 0; j < split; j++) dRows[r * split + j] = dUg[k][r * rows + j];
        gemm(cfg.backend, dU.subarray(g.r0 * H, (g.r0 + split) * H), dRows, hIn, split, H, T * B, true, false, false);
      }
      const nRows = rows - split,
        dN = new Float32Array(T * B * nRows);
      for (let r = 0; r < T * B; r++) for (let j = 0; j < nRows; j++) dN[r * nRows + j] = dUg[k][r * rows + split + j];
      gemm(cfg.backend, dU.subarray((g.r0 + split) * H, g.r1 * H), dN, rh, nRows, H, T * B, true, false, false);
    } else {
      gemm(cfg.backend, dU.subarray(g.r0 * H, g.r1 * H), dUg[k], hIn, rows, H, T * B, true, false, false);
    }
    const dxg = new Float32Array(T * B * D);
    gemm(cfg.backend, dxg, dXg, W.subarray(g.r0 * D, g.r1 * D), T * B, D, rows, false, false, false);
    for (let i = 0; i < dxg.length; i++) dxT[i] += g.zx ? dxg[i] * g.zx[i % (B * D)] : dxg[i];
  });
  if (masks.x) for (let i = 0; i < dxT.length; i++) dxT[i] *= masks.x[i];
  return { dx: swapBatchTime(dxT, B, T, D, true), dW, dU, dbW, dbU, dh0: dh };
}

// Promise twins of the registry's forms: on Node each runs in a worker, with the bits of the sync form.
export const gruAsync: Async<typeof gru> = (...a) => callForm('gru', gru, a, withTape);
export const gruBackwardAsync: Async<typeof gruBackward> = (...a) => callForm('gruBackward', gruBackward, a, tapeFirst);
