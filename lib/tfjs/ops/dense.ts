// What the dense-layer ops share: tf's kernel layout [inFeatures, outFeatures] against dropmask's
// W [outFeatures, inFeatures], and the checks of x, kernel and bias.
import { tf } from '../tf';
import { checkTensor } from './op';

/** `a` [rows, cols] transposed into `out` [cols, rows] (a new array by default). */
export function transpose(a: Float32Array, rows: number, cols: number, into?: Float32Array): Float32Array {
  const out = into ?? new Float32Array(a.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = a[r * cols + c];
  return out;
}

/** The dense geometry of x [batch, inFeatures], kernel [inFeatures, outFeatures] and bias [outFeatures] or null. */
export interface DenseGeometry {
  batch: number;
  din: number;
  dout: number;
}

/** Checks x, kernel and bias of a dense op and returns their geometry. */
export function checkDense(x: unknown, kernel: unknown, bias: unknown): DenseGeometry {
  const xt = checkTensor('x', x),
    k = checkTensor('kernel', kernel);
  if (xt.rank !== 2)
    throw new RangeError(`Expected x of rank 2 ([batch, inFeatures]) but received shape [${xt.shape.join(', ')}]`);
  if (k.rank !== 2 || k.shape[0] !== xt.shape[1]) {
    throw new RangeError(`Expected kernel of shape [${xt.shape[1]}, outFeatures] but received [${k.shape.join(', ')}]`);
  }
  if (bias !== null && bias !== undefined) {
    const b = checkTensor('bias', bias);
    if (b.rank !== 1 || b.shape[0] !== k.shape[1]) {
      throw new RangeError(`Expected bias of shape [${k.shape[1]}] but received [${b.shape.join(', ')}]`);
    }
  }
  const [batch, din, dout] = [xt.shape[0], k.shape[0], k.shape[1]] as number[];
  return { batch, din, dout };
}

/** The inputs of a dense op as a list (the bias only when there is one). */
export const denseInputs = (x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor | null): tf.Tensor[] =>
  bias ? [x, kernel, bias] : [x, kernel];
