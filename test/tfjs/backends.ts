// TensorFlow.js for the tfjs tests: the cpu and wasm backends (the wasm module read from
// node_modules, nothing downloaded), one at a time, and a "device" backend that keeps the cpu
// kernels under another name so that dropmask/tfjs takes its download/upload path.
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as path from 'path';

export { tf };

/** The backends every tfjs test runs on. */
export const BACKENDS = ['cpu', 'wasm'] as const;
export type TfBackend = (typeof BACKENDS)[number] | 'device';

const wasmDir = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')), path.sep);
let registered = false;

/** Registers the wasm module's path and the 'device' backend: a second instance of the cpu backend's class. */
async function registerOnce(): Promise<void> {
  if (registered) return;
  registered = true;
  setWasmPaths(wasmDir);
  await tf.setBackend('cpu');
  const Cpu = tf.findBackend('cpu').constructor as new () => ReturnType<typeof tf.findBackend>;
  tf.registerBackend('device', () => new Cpu(), 0);
  for (const kernel of tf.getKernelsForBackend('cpu')) tf.registerKernel({ ...kernel, backendName: 'device' });
}

/** Makes `name` tfjs' backend (the tfjs-node advertisement on the first cpu tensor is silenced). */
export async function useBackend(name: TfBackend): Promise<void> {
  const warn = console.warn;
  console.warn = () => undefined;
  try {
    await registerOnce();
    if (!(await tf.setBackend(name))) throw new Error(`tfjs backend ${name} did not initialise`);
    await tf.ready();
    tf.tidy(() => tf.zeros([1]).dataSync());
  } finally {
    console.warn = warn;
  }
}
