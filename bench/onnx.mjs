// Tiny ONNX models for the onnxruntime peers, encoded here as protobuf bytes (no model files, no
// protobuf dependency), and the onnxruntime-node / onnxruntime-web loaders. Field numbers are
// those of onnx.proto (ModelProto, GraphProto, NodeProto, AttributeProto, ValueInfoProto,
// TypeProto, TensorShapeProto, TensorProto).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

const FLOAT = 1,
  BOOL = 9;

/**
 * Protobuf writer: fields as [number, wire type, payload] in the order given. The bytes are kept
 * as a list of parts (a payload's bytes by reference, a nested message's parts as they are) and
 * joined once by done(): pushing a 4 MiB initializer into a JS array byte by byte, and copying
 * it again into every enclosing message, left so much garbage that V8's background collector ran
 * through the timed rounds that followed, taking a core from two-thread products.
 */
class Writer {
  constructor() {
    this.parts = [];
    this.length = 0;
  }
  put(part) {
    this.parts.push(part);
    this.length += part.length;
    return this;
  }
  varint(v) {
    const out = [];
    let n = BigInt(v);
    if (n < 0n) n += 1n << 64n;
    do {
      let b = Number(n & 0x7fn);
      n >>= 7n;
      if (n) b |= 0x80;
      out.push(b);
    } while (n);
    return this.put(Uint8Array.from(out));
  }
  tag(field, wire) {
    return this.varint((field << 3) | wire);
  }
  int(field, v) {
    return this.tag(field, 0).varint(v);
  }
  float(field, v) {
    return this.tag(field, 5).put(new Uint8Array(new Float32Array([v]).buffer));
  }
  raw(field, bytes) {
    return this.tag(field, 2).varint(bytes.length).put(bytes);
  }
  string(field, s) {
    return this.raw(field, new TextEncoder().encode(s));
  }
  message(field, w) {
    this.tag(field, 2).varint(w.length);
    for (const part of w.parts) this.put(part);
    return this;
  }
  done() {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const part of this.parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }
}

const dims = (shape) => {
  const s = new Writer();
  for (const d of shape) s.message(1, typeof d === 'string' ? new Writer().string(2, d) : new Writer().int(1, d));
  return s;
};
const valueInfo = (name, shape, elem = FLOAT) =>
  new Writer().string(1, name).message(2, new Writer().message(1, new Writer().int(1, elem).message(2, dims(shape))));

/** A TensorProto initializer: name, shape, float32 or bool values (raw little-endian bytes). */
function tensor(name, shape, values, elem = FLOAT) {
  const t = new Writer();
  for (const d of shape) t.int(1, d);
  t.int(2, elem).string(8, name);
  const raw = elem === BOOL ? Uint8Array.from(values, (v) => (v ? 1 : 0)) : new Uint8Array(Float32Array.from(values).buffer);
  return t.raw(9, raw);
}

const INT_ATTRIBUTES = new Set(['seed', 'transA', 'transB', 'dtype']);

/** AttributeProto: an int (the names in INT_ATTRIBUTES), a float, or a list of ints. */
function attribute(name, value) {
  const a = new Writer().string(1, name);
  if (Array.isArray(value)) {
    for (const v of value) a.int(8, v);
    return a.int(20, 7);
  }
  return INT_ATTRIBUTES.has(name) ? a.int(3, value).int(20, 2) : a.float(2, value).int(20, 1);
}

/** A one-node model: op type, attributes, inputs / outputs as value infos, initializers. */
function model({ op, attrs = {}, inputs, nodeInputs, outputs, initializers = [], opset = 13 }) {
  const node = new Writer();
  for (const i of nodeInputs) node.string(1, i);
  for (const o of outputs) node.string(2, o.name);
  node.string(3, 'n0').string(4, op);
  for (const [k, v] of Object.entries(attrs)) node.message(5, attribute(k, v));
  const graph = new Writer().message(1, node).string(2, 'g');
  for (const t of initializers) graph.message(5, t);
  for (const i of inputs) graph.message(11, valueInfo(i.name, i.shape, i.elem));
  for (const o of outputs) graph.message(12, valueInfo(o.name, o.shape, o.elem));
  return new Writer()
    .int(1, 8)
    .string(2, 'dropmask-bench')
    .message(8, new Writer().string(1, '').int(2, opset))
    .message(7, graph)
    .done();
}

/**
 * Gemm Y [M, N] = A [M, K] · Bᵀ (B [N, K]) (+ C [N]). With `weights` given, B (and C) are
 * initializers, which onnxruntime packs once when the session is created (its inference path);
 * otherwise they are inputs, packed on every run like dropmask's W.
 */
export function gemmModel(M, N, K, { bias = false, weights = null, biasValues = null } = {}) {
  const inputs = [{ name: 'A', shape: [M, K] }];
  const initializers = [];
  if (weights) initializers.push(tensor('B', [N, K], weights));
  else inputs.push({ name: 'B', shape: [N, K] });
  if (bias) {
    if (weights) initializers.push(tensor('C', [N], biasValues ?? new Float32Array(N)));
    else inputs.push({ name: 'C', shape: [N] });
  }
  return model({
    op: 'Gemm',
    attrs: { transB: 1 },
    inputs,
    nodeInputs: bias ? ['A', 'B', 'C'] : ['A', 'B'],
    outputs: [{ name: 'Y', shape: [M, N] }],
    initializers,
  });
}

/** Dropout in training mode on X [n] with ratio p, output only (no mask). */
export function dropoutModel(n, p) {
  return model({
    op: 'Dropout',
    attrs: { seed: 1 },
    inputs: [{ name: 'X', shape: [n] }],
    nodeInputs: ['X', 'ratio', 'training_mode'],
    outputs: [{ name: 'Y', shape: [n] }],
    initializers: [tensor('ratio', [], [p]), tensor('training_mode', [], [true], BOOL)],
  });
}

/** RandomUniform [0, 1) or RandomNormal N(0, 1) of shape [n]: no inputs. */
export function randomModel(op, n) {
  const attrs = op === 'RandomUniform' ? { high: 1, low: 0, shape: [n] } : { mean: 0, scale: 1, shape: [n] };
  return model({ op, attrs, inputs: [], nodeInputs: [], outputs: [{ name: 'Y', shape: [n] }] });
}

/** onnxruntime-node, or the reason it cannot load. */
export function loadOrtNode() {
  try {
    return { ort: require('onnxruntime-node') };
  } catch (e) {
    return { error: e.message.split('\n')[0] };
  }
}

/** onnxruntime-web (its WebAssembly backend, one thread, SIMD), or the reason it cannot load. */
export async function loadOrtWeb() {
  try {
    const ort = require('onnxruntime-web');
    ort.env.wasm.numThreads = 1;
    ort.env.wasm.proxy = false;
    ort.env.logLevel = 'error';
    return { ort };
  } catch (e) {
    return { error: e.message.split('\n')[0] };
  }
}

/**
 * onnxruntime-web's session options: its wasm provider named. Both packages register their
 * backends in the one onnxruntime-common registry, so with onnxruntime-node loaded in the same
 * process a session that names no provider runs on onnxruntime-node's native CPU backend.
 */
export const ortWebOptions = { executionProviders: ['wasm'] };

/** Session options: `threads` intra-op threads, spinning off (its pool sleeps between runs, as ours does). */
export const ortOptions = (threads) => ({
  intraOpNumThreads: threads,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  graphOptimizationLevel: 'all',
  extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
});
