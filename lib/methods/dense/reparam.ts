// Reparameterised Gaussian outputs shared by fast dropout and variational dropout: one
// ε ~ N(0, 1) per output element, element e of the call's normal stream.
import { streamWords } from '../../backends/interface';
import type { Draw } from '../../core/options';

/** out[e] = mean[e] + sqrt(variance[e])·ε_e, then advances the call's generator. */
export function sampleGaussian(draw: Draw, mean: Float32Array, variance: Float32Array, out: Float32Array): Float32Array {
  const eps = new Float32Array(mean.length);
  draw.backend.normal(eps, draw.counter, 0, 1);
  for (let e = 0; e < out.length; e++) out[e] = mean[e] + Math.sqrt(variance[e]) * eps[e];
  draw.commit(streamWords.normal(eps.length));
  return out;
}
