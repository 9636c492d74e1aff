// Tensor data in and out of dropmask's kernels. On the tfjs 'cpu' backend a float32 tensor is a
// Float32Array that dropmask reads in place, and an output array becomes a tensor without a copy;
// on 'wasm' both are views of the tfjs module's heap (outputs allocated there first). Every other
// backend (webgl, webgpu, …) downloads inputs with dataSync() and uploads results: correct, and
// as slow as a round trip to the device is.
import { tf } from './tf';

type Tensor = tf.Tensor;
type TensorInfo = { dataId: object; shape: number[]; dtype: 'float32' };

/** The tfjs 'cpu' backend: tensor data is stored as plain arrays by dataId. */
interface CpuStorage {
  data: { get(dataId: object): { values?: unknown } | undefined };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
}

/** The tfjs 'wasm' backend: tensor data lives in the module's heap. */
interface WasmStorage {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array;
  disposeData(dataId: object): boolean;
}

type Backend = ReturnType<typeof tf.backend>;

// By identity with the registered backends, not by shape: a backend that merely looks like the
// cpu one (a subclass registered under another name) takes the download/upload path.
const isCpu = (b: Backend): b is Backend & CpuStorage =>
  b === registered('cpu') &&
  typeof (b as Partial<CpuStorage>).makeTensorInfo === 'function' &&
  typeof (b as Partial<CpuStorage>).data?.get === 'function';

const isWasm = (b: Backend): b is Backend & WasmStorage =>
  b === registered('wasm') &&
  typeof (b as Partial<WasmStorage>).typedArrayFromHeap === 'function' &&
  typeof (b as Partial<WasmStorage>).makeOutput === 'function';

/** The initialised backend registered as `name` (never initialises one: tf.findBackend would). */
function registered(name: string): Backend | undefined {
  return (tf.engine() as unknown as { registry: Record<string, Backend | undefined> }).registry[name];
}

/** The backend that holds t's data (tfjs moves data between backends lazily, so not always the current one). */
function owner(t: Tensor): Backend {
  const state = (tf.engine() as unknown as { state?: { tensorInfo?: WeakMap<object, { backend: Backend }> } }).state;
  return state?.tensorInfo?.get(t.dataId)?.backend ?? tf.backend();
}

/**
 * True when the current backend keeps tensors in JavaScript-visible memory ('cpu', 'wasm'), so
 * the ops hand tensors to dropmask without copies; false on device backends, where ops that only
 * need a mask upload the mask and apply it there instead.
 */
export function hostBackend(): boolean {
  const b = tf.backend();
  return isCpu(b) || isWasm(b);
}

/** t's float32 values: the tensor's own storage on cpu and wasm (read it, never write it), else a download. */
function readValues(t: Tensor): Float32Array {
  const b = owner(t);
  if (isWasm(b)) return b.typedArrayFromHeap({ dataId: t.dataId, shape: t.shape, dtype: 'float32' });
  if (isCpu(b)) {
    const values = b.data.get(t.dataId)?.values;
    if (values instanceof Float32Array && values.length === t.size) return values;
  }
  // The cpu backend casts int32 and bool to float32 by relabelling the storage, so a float32
  // tensor can hold an Int32Array or a Uint8Array: dataSync() hands it back as it is.
  const values = t.dataSync();
  return values instanceof Float32Array ? values : Float32Array.from(values as Int32Array | Uint8Array);
}

/**
 * Computes float32 outputs of the given shapes from float32 inputs on the host: `fill` receives
 * the inputs' values and the output arrays to write (every element), and the outputs come back as
 * tensors on the current backend. Inputs of another dtype are cast first.
 */
export function hostCompute(
  inputs: readonly Tensor[],
  outShapes: readonly (readonly number[])[],
  fill: (ins: Float32Array[], outs: Float32Array[]) => void,
): Tensor[] {
  const floats = inputs.map((t) => (t.dtype === 'float32' ? t : tf.cast(t, 'float32')));
  const backend = tf.backend();
  const engine = tf.engine();
  const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);
  try {
    if (isWasm(backend)) {
      // Allocate every output before taking any view: an allocation may grow the heap, which
      // detaches the views taken before it.
      const infos = outShapes.map((s) => backend.makeOutput(s.slice(), 'float32'));
      const outs = infos.map((info) => engine.makeTensorFromTensorInfo(info, backend));
      try {
        fill(
          floats.map(readValues),
          infos.map((info) => backend.typedArrayFromHeap(info)),
        );
      } catch (e) {
        outs.forEach((t) => t.dispose());
        throw e;
      }
      return outs;
    }
    const arrays = outShapes.map((s) => new Float32Array(size(s)));
    fill(floats.map(readValues), arrays);
    if (isCpu(backend)) {
      return arrays.map((a, i) =>
        engine.makeTensorFromTensorInfo(backend.makeTensorInfo(outShapes[i].slice(), 'float32', a), backend),
      );
    }
    return arrays.map((a, i) => tf.tensor(a, outShapes[i].slice(), 'float32'));
  } finally {
    floats.forEach((t, i) => t !== inputs[i] && t.dispose());
  }
}

/** One output of `hostCompute`. */
export function hostCompute1(
  inputs: readonly Tensor[],
  outShape: readonly number[],
  fill: (ins: Float32Array[], out: Float32Array) => void,
): Tensor {
  return hostCompute(inputs, [outShape], (ins, outs) => fill(ins, outs[0]))[0];
}

/** The scalar value of a one-element tensor (a download on device backends). */
export function scalarValue(t: Tensor): number {
  return readValues(t.dtype === 'float32' ? t : tf.cast(t, 'float32'))[0];
}

/** A tensor of `shape` holding `values` (uploaded on device backends, wrapped without a copy on cpu). */
export function fromValues(values: Float32Array, shape: readonly number[]): Tensor {
  const backend = tf.backend();
  if (isCpu(backend))
    return tf.engine().makeTensorFromTensorInfo(backend.makeTensorInfo(shape.slice(), 'float32', values), backend);
  return tf.tensor(values, shape.slice(), 'float32');
}
