import { interleaved } from './timing.mjs';
import dropmask from '../dist/index.js';
import { gemmModel, loadOrtNode, ortOptions } from './onnx.mjs';
const { dropConnect, linear, normal, setThreads, bernoulliMask } = dropmask;
const B = 64, DIN = 1024, DOUT = 1024, FLOP = 2 * B * DIN * DOUT;
const { ort } = loadOrtNode();
const x = normal(B * DIN, { seed: 1 }), W = normal(DIN * DOUT, { seed: 2 }), bias = normal(DOUT, { seed: 3 });
const out = new Float32Array(B * DOUT);
const bits = new Uint32Array((DIN * DOUT) / 32);
for (const threads of [1, 2]) {
  setThreads(threads);
  const packed = await ort.InferenceSession.create(gemmModel(B, DOUT, DIN, { weights: W }), ortOptions(threads));
  const A = new ort.Tensor('float32', x, [B, DIN]);
  const t = await interleaved({
    linear: () => linear(x, W, bias, { inFeatures: DIN, outFeatures: DOUT, out, backend: 'native' }),
    shared: () => dropConnect(x, W, bias, { inFeatures: DIN, outFeatures: DOUT, perExample: false, seed: 1, out, backend: 'native' }),
    bits: () => bernoulliMask(bits, { p: 0.5, seed: 1, backend: 'native' }),
    ort: () => packed.run({ A }),
  }, { rounds: 15, inner: 5 });
  const g = (s) => (FLOP / s / 1e9).toFixed(1);
  console.log(`${threads}T linear ${g(t.linear)} shared ${g(t.shared)} ort ${g(t.ort)}  bits ${(t.bits * 1e3).toFixed(3)} ms  shared/ort ${(t.ort / t.shared).toFixed(2)} linear/ort ${(t.ort / t.linear).toFixed(2)}`);
}
