// The recurrent ops against real PyTorch and Keras on a small sequence: weights imported with
// fromTorchLstm / fromTorchGru / fromKerasGru, outputs compared with what the frameworks computed.
// Reference code: PyTorch torch.nn.LSTM and torch.nn.GRU (weight layout and equations of their
// docs: gates i, f, g, o and r, z, n, h' = (1 − z) ⊙ n + z ⊙ h); Keras keras-team/keras,
// keras/src/layers/rnn/gru.py at commit 3422977a5e38fb2f7709aaa9a08e47f0c43d0f60 (GRUCell.call:
// gates z, r, h, h = z ⊙ h_tm1 + (1 − z) ⊙ hh, reset_after=False: (r ⊙ h_tm1) · U_h).
// Values: torch 2.13.0 (CPU) and Keras 3.15.1 (TensorFlow 2.21 backend), float32, for B = 2,
// T = 4, D = 3, H = 5, batch first, every tensor filled with dyadic(n, seed, 32) of
// test/helpers.ts ((((i·7919 + seed·104729) mod 17) − 8)/32, row-major in the framework's own
// layout): x seed 1; LSTM weight_ih_l0 2, weight_hh_l0 3, bias_ih_l0 4, bias_hh_l0 5 (h0 = c0 = 0);
// GRU weight_ih_l0 6, weight_hh_l0 7, bias_ih_l0 8, bias_hh_l0 9, h0 10; Keras kernel [D, 3H] 11,
// recurrent_kernel [H, 3H] 12, bias 13 ([3H], or [2, 3H] for reset_after=True), initial state 14.
import { fromKerasGru, fromTorchGru, fromTorchLstm, gru, lstm } from '../../lib/index';
import { dyadic, variants } from '../helpers';

const TORCH_LSTM = {
  output: [
    0.031925794, -0.016751392, -0.048124749, 0.028809763, -0.01255327, 0.047941245, -0.012311587, -0.097613595, 0.044112347,
    -0.036219809, 0.056070894, -0.018948508, -0.10373069, 0.047431506, -0.033091705, 0.072792098, -0.030990917, -0.10640726,
    0.032113176, -0.033810865, 0.029306769, -0.01451798, -0.049184233, 0.032932103, -0.012376254, 0.056248613, -0.029442729,
    -0.074640363, 0.029901598, -0.020719178, 0.058754392, -0.024570176, -0.096817106, 0.042982481, -0.025172342, 0.071561456,
    -0.031594947, -0.10468196, 0.033060722, -0.029437657,
  ],
  h: [
    0.072792098, -0.030990917, -0.10640726, 0.032113176, -0.033810865, 0.071561456, -0.031594947, -0.10468196, 0.033060722,
    -0.029437657,
  ],
  c: [
    0.16468576, -0.058417801, -0.22873874, 0.057133984, -0.066209503, 0.1632112, -0.059413459, -0.22559394, 0.058562968,
    -0.057711411,
  ],
};
const TORCH_GRU = {
  output: [
    -0.11861102, -0.0707362, 0.037997738, 0.21498531, 0.092939615, -0.14604349, -0.058317151, -0.07059215, 0.24995205, 0.10101257,
    -0.15761755, -0.0021041669, -0.1086983, 0.24578276, 0.12882677, -0.12040591, -0.029585114, -0.083257437, 0.23629349,
    0.16830273, -0.098229803, -0.042451642, -0.19808078, 0.22173885, 0.14534694, -0.093103983, -0.049853992, -0.13901268,
    0.21900655, 0.17762189, -0.13845268, 0.010612324, -0.15493657, 0.22480299, 0.16279374, -0.12095094, -0.010870976, -0.11698212,
    0.22193219, 0.17920052,
  ],
  h: [
    -0.12040591, -0.029585114, -0.083257437, 0.23629349, 0.16830273, -0.12095094, -0.010870976, -0.11698212, 0.22193219,
    0.17920052,
  ],
};
const KERAS_GRU_RESET_BEFORE = {
  output: [
    -0.1151636, 0.063659124, -0.036129452, 0.12836309, 0.064772062, -0.11660641, 0.12612136, 0.021464042, 0.10290892, 0.021912085,
    -0.15139475, 0.1855821, 0.103957, 0.084426366, 0.0043469514, -0.17910084, 0.23325321, 0.13823776, 0.09765213, -0.029141346,
    -0.084886312, 0.086892083, 0.0062911361, -0.08276698, 0.063264817, -0.14857556, 0.180805, 0.084264509, 0.018792793,
    -0.0077999495, -0.16564552, 0.20891201, 0.14554088, 0.047066238, -0.010982502, -0.1844644, 0.23965418, 0.16706991,
    0.080017827, -0.033409722,
  ],
  h: [
    -0.17910084, 0.23325321, 0.13823776, 0.09765213, -0.029141346, -0.1844644, 0.23965418, 0.16706991, 0.080017827, -0.033409722,
  ],
};
const KERAS_GRU_RESET_AFTER = {
  output: [
    -0.11994441, 0.061972428, -0.090877861, 0.19431087, 0.10633896, -0.11998641, 0.11272489, -0.055700786, 0.19662952,
    0.085860923, -0.15766647, 0.16939268, 0.01133039, 0.19013914, 0.078293525, -0.18659765, 0.21559405, 0.038265243, 0.20540512,
    0.050691392, -0.091652393, 0.082388818, -0.047526274, -0.024987228, 0.10682392, -0.15726441, 0.17152944, 0.0047670286,
    0.10347389, 0.056334272, -0.17414689, 0.19090271, 0.053121973, 0.14684603, 0.061145753, -0.19294298, 0.21880846, 0.068363145,
    0.18460423, 0.044415876,
  ],
  h: [
    -0.18659765, 0.21559405, 0.038265243, 0.20540512, 0.050691392, -0.19294298, 0.21880846, 0.068363145, 0.18460423, 0.044415876,
  ],
};

const [B, T, D, H] = [2, 4, 3, 5];
const d = (n: number, seed: number): Float32Array => dyadic(n, seed, 32);
const x = d(B * T * D, 1);

function close(actual: Float32Array, expected: number[]): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  expect(worst).toBeLessThan(2e-6); // float32 products in another order
}

describe.each(variants())('recurrent ops against PyTorch and Keras on $label', (v) => {
  const backend = v.name;
  const shape = [B, T, D];

  test('fromTorchLstm: nn.LSTM outputs, final h and c', () => {
    const { params, inputSize, hiddenSize } = fromTorchLstm({
      weight_ih_l0: d(4 * H * D, 2),
      weight_hh_l0: d(4 * H * H, 3),
      bias_ih_l0: d(4 * H, 4),
      bias_hh_l0: d(4 * H, 5),
    });
    expect([inputSize, hiddenSize]).toEqual([D, H]);
    const r = v.run(() => lstm(x, params, { shape, hiddenSize, backend }));
    close(r.output, TORCH_LSTM.output);
    close(r.h, TORCH_LSTM.h);
    close(r.c, TORCH_LSTM.c);
  });

  test("fromTorchGru: nn.GRU, PyTorch's z convention turned into dropmask's by negating the z rows", () => {
    const torch = {
      weight_ih_l0: d(3 * H * D, 6),
      weight_hh_l0: d(3 * H * H, 7),
      bias_ih_l0: d(3 * H, 8),
      bias_hh_l0: d(3 * H, 9),
    };
    const { params, hiddenSize } = fromTorchGru(torch);
    const r = v.run(() => gru(x, params, { shape, hiddenSize, h0: d(B * H, 10), backend }));
    close(r.output, TORCH_GRU.output);
    close(r.h, TORCH_GRU.h);
    // without the sign change the weights give another network
    const raw = v.run(() =>
      gru(
        x,
        { W: torch.weight_ih_l0, U: torch.weight_hh_l0, bW: torch.bias_ih_l0, bU: torch.bias_hh_l0 },
        {
          shape,
          hiddenSize,
          h0: d(B * H, 10),
          backend,
        },
      ),
    );
    expect(Math.max(...Array.from(raw.h, (e, i) => Math.abs(e - TORCH_GRU.h[i])))).toBeGreaterThan(1e-2);
  });

  test('fromKerasGru: reset_after=False is resetAfter: false (Cho et al.), reset_after=True the default', () => {
    const before = fromKerasGru({ kernel: d(D * 3 * H, 11), recurrentKernel: d(H * 3 * H, 12), bias: d(3 * H, 13) });
    expect(before.resetAfter).toBe(false);
    const r = v.run(() =>
      gru(x, before.params, { shape, hiddenSize: H, h0: d(B * H, 14), resetAfter: before.resetAfter, backend }),
    );
    close(r.output, KERAS_GRU_RESET_BEFORE.output);
    close(r.h, KERAS_GRU_RESET_BEFORE.h);
    const after = fromKerasGru({ kernel: d(D * 3 * H, 11), recurrentKernel: d(H * 3 * H, 12), bias: d(6 * H, 13) });
    expect(after.resetAfter).toBe(true);
    const s = v.run(() => gru(x, after.params, { shape, hiddenSize: H, h0: d(B * H, 14), backend }));
    close(s.output, KERAS_GRU_RESET_AFTER.output);
    close(s.h, KERAS_GRU_RESET_AFTER.h);
  });
});

test('bad weights: lengths that imply no sizes, biases that do not fit', () => {
  expect(() => fromTorchLstm({ weight_ih_l0: new Float32Array(60), weight_hh_l0: new Float32Array(99) })).toThrow(
    /for weight_hh_l0/,
  );
  expect(() => fromTorchLstm({ weight_ih_l0: new Float32Array(61), weight_hh_l0: new Float32Array(100) })).toThrow(
    /for weight_ih_l0/,
  );
  expect(() =>
    fromTorchGru({ weight_ih_l0: new Float32Array(45), weight_hh_l0: new Float32Array(75), bias_ih_l0: new Float32Array(14) }),
  ).toThrow(/for bias_ih_l0/);
  expect(() => fromTorchGru({ weight_ih_l0: [1] as unknown as Float32Array, weight_hh_l0: new Float32Array(3) })).toThrow(
    TypeError,
  );
  expect(() =>
    fromKerasGru(
      { kernel: new Float32Array(45), recurrentKernel: new Float32Array(75), bias: new Float32Array(15) },
      { resetAfter: true },
    ),
  ).toThrow(/resetAfter/);
  const noBias = fromTorchLstm({ weight_ih_l0: new Float32Array(60), weight_hh_l0: new Float32Array(100) });
  expect(Array.from(noBias.params.b)).toEqual(new Array(20).fill(0));
});
