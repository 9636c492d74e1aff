// Dense weights packed ahead: W copied once and, per backend, laid out the way its product reads
// it, for layers whose weights stay fixed across calls (inference, Monte Carlo dropout's passes).
// onnxruntime does the same for a Gemm whose W is an initializer.
import { checkArray, rangeError, typeError } from '../../core/errors';
import type { Backend } from '../../backends/interface';

/** What a PackedWeights holds, out of every caller's reach (a method or a field could be overridden, read or written). */
interface PackedState {
  weights: Float32Array;
  din: number;
  dout: number;
  /** The packed form of each backend and instruction set that has used it. */
  packs: Map<string, Float32Array>;
}
const stateOf = new WeakMap<PackedWeights, PackedState>();

/**
 * W [outFeatures, inFeatures] as `packWeights` copied it, with the packed form of each backend
 * and instruction set that has used it (made on first use, then kept). Pass it to `linear` or
 * `dropConnect` in place of W. Writes to the array it was made from are not seen: pack again after
 * changing W.
 */
export class PackedWeights {
  /** Input features Din (columns of W). */
  readonly inFeatures: number;
  /** Output features Dout (rows of W). */
  readonly outFeatures: number;

  /** @internal Use `packWeights`: W is checked and copied here, so nothing outside can change it. */
  constructor(W: unknown, inFeatures: unknown, outFeatures: unknown) {
    const din = featureCount('inFeatures', inFeatures);
    const dout = featureCount('outFeatures', outFeatures);
    const ws = checkArray('W', W, Float32Array);
    if (ws.length !== din * dout)
      throw new RangeError(`Expected W to hold outFeatures * inFeatures = ${dout * din} values but received ${ws.length}`);
    stateOf.set(this, { weights: ws.slice(), din, dout, packs: new Map() });
    this.inFeatures = din;
    this.outFeatures = dout;
    Object.freeze(this);
  }
}

function stateOfWeights(packed: PackedWeights): PackedState {
  const state = stateOf.get(packed);
  if (!state) throw new TypeError("Expected W to be a Float32Array or packWeights' result but received an imitation");
  return state;
}

/** @internal The copy of W and the shape a PackedWeights holds (the copy is never handed to callers: it must not change). */
export function packedWeightsShape(packed: PackedWeights): { weights: Float32Array; din: number; dout: number } {
  const { weights, din, dout } = stateOfWeights(packed);
  return { weights, din, dout };
}

/** @internal The packed form `backend` (one of this thread's backends) reads at its current instruction set. */
export function packedForm(packed: PackedWeights, backend: Backend): Float32Array {
  const state = stateOfWeights(packed);
  const key = `${backend.name}/${backend.simd}`;
  let form = state.packs.get(key);
  if (!form) {
    form = backend.packWeights(state.weights, state.dout, state.din);
    state.packs.set(key, form);
  }
  return form;
}

/** A feature count of a dense layer: an integer in [1, 2^31]. */
export function featureCount(name: string, value: unknown): number {
  if (typeof value !== 'number') throw typeError(name, 'a positive integer', value);
  if (!Number.isInteger(value) || value < 1 || value > 2 ** 31) throw rangeError(name, 'a positive integer', value);
  return value;
}
