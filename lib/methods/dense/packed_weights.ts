// Dense weights packed ahead: W copied once and, per backend, laid out the way its product reads
// it, for layers whose weights stay fixed across calls (inference, Monte Carlo dropout's passes).
// onnxruntime does the same for a Gemm whose W is an initializer.
import { checkArray, rangeError, typeError } from '../../core/errors';
import type { Backend } from '../../backends/interface';

const weightsOf = new WeakMap<PackedWeights, Float32Array>();

/**
 * W [outFeatures, inFeatures] as `packWeights` copied it, with the packed form of each backend
 * and instruction set that has used it (made on first use, then kept). Pass it to `linear` in
 * place of W. Writes to the array it was made from are not seen: pack again after changing W.
 */
export class PackedWeights {
  /** Input features Din (columns of W). */
  readonly inFeatures: number;
  /** Output features Dout (rows of W). */
  readonly outFeatures: number;
  readonly #packs = new Map<string, Float32Array>();

  /** @internal Use `packWeights`: W is checked and copied here, so nothing outside can change it. */
  constructor(W: unknown, inFeatures: unknown, outFeatures: unknown) {
    const din = featureCount('inFeatures', inFeatures);
    const dout = featureCount('outFeatures', outFeatures);
    const ws = checkArray('W', W, Float32Array);
    if (ws.length !== din * dout)
      throw new RangeError(`Expected W to hold outFeatures * inFeatures = ${dout * din} values but received ${ws.length}`);
    weightsOf.set(this, ws.slice());
    this.inFeatures = din;
    this.outFeatures = dout;
    Object.freeze(this); // the shape every product checks against cannot be changed
  }

  /** @internal The packed form `backend`'s matmulPacked reads, at its current instruction set. */
  packedFor(backend: Backend): Float32Array {
    const key = `${backend.name}/${backend.simd}`;
    let packed = this.#packs.get(key);
    if (!packed) {
      packed = backend.packWeights(packedWeightsArray(this), this.outFeatures, this.inFeatures);
      this.#packs.set(key, packed);
    }
    return packed;
  }
}

/** @internal The copy of W a PackedWeights holds (never handed to callers: it must not change). */
export function packedWeightsArray(packed: PackedWeights): Float32Array {
  const weights = weightsOf.get(packed);
  if (!weights) throw new TypeError("Expected W to be a Float32Array or packWeights' result but received an imitation");
  return weights;
}

/** A feature count of a dense layer: an integer in [1, 2^31]. */
export function featureCount(name: string, value: unknown): number {
  if (typeof value !== 'number') throw typeError(name, 'a positive integer', value);
  if (!Number.isInteger(value) || value < 1 || value > 2 ** 31) throw rangeError(name, 'a positive integer', value);
  return value;
}
