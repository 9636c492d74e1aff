// Argument checks shared by every public function. All checks run before any backend is
// called, and every message names the argument and what was received.

/** Describes a received value for an error message. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'bigint') return `${value}n (bigint)`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${value} (${typeof value})`;
  if (typeof value === 'string') return `${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)} (string)`;
  if (typeof value === 'symbol') return 'a symbol';
  if (typeof value === 'function') return 'a function';
  // Only internal slots and guarded reads: describing a value must not run the caller's code.
  const tag = viewTag.call(value);
  if (tag !== undefined) return `${tag as string}(${viewLength.call(value) as number})`;
  if (ArrayBuffer.isView(value)) return 'DataView';
  try {
    if (Array.isArray(value)) return `Array(${value.length})`;
    const ctor = Object.getPrototypeOf(value)?.constructor as { name?: unknown } | undefined;
    return `${typeof ctor?.name === 'string' && ctor.name !== '' ? ctor.name : 'Object'} (object)`;
  } catch {
    return 'an object';
  }
}

export function typeError(name: string, expected: string, value: unknown): TypeError {
  return new TypeError(`Expected ${expected} for ${name} but received ${describe(value)}`);
}

export function rangeError(name: string, expected: string, value: unknown): RangeError {
  return new RangeError(`Expected ${expected} for ${name} but received ${describe(value)}`);
}

/** The largest element count any function accepts (the typed-array length limit of 32-bit engines). */
export const MAX_LENGTH = 2 ** 32 - 1;

// The intrinsic %TypedArray% and ArrayBuffer accessors, captured at load: they read a view's
// internal slots, so a subclass, an own property or a Proxy cannot lie about what a call reads
// and writes. `Symbol.toStringTag`'s getter returns undefined for anything that is not a typed
// array (a Proxy included) and the element type's name for every real one, subclass or not.
const TypedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype) as object;
const accessor = (proto: object, key: PropertyKey): ((this: unknown) => unknown) =>
  Object.getOwnPropertyDescriptor(proto, key)!.get as (this: unknown) => unknown;
const viewTag = accessor(TypedArrayPrototype, Symbol.toStringTag);
const viewLength = accessor(TypedArrayPrototype, 'length');
const viewByteOffset = accessor(TypedArrayPrototype, 'byteOffset');
const viewBuffer = accessor(TypedArrayPrototype, 'buffer');
const bufferByteLength = accessor(ArrayBuffer.prototype, 'byteLength');
const bufferResizable = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'resizable')?.get;
const sharedGrowable =
  typeof SharedArrayBuffer === 'function'
    ? Object.getOwnPropertyDescriptor(SharedArrayBuffer.prototype, 'growable')?.get
    : undefined;
// instanceof answers for this realm's buffers at once; only another realm's need the tag
const isShared = (buffer: ArrayBufferLike): boolean =>
  !(buffer instanceof ArrayBuffer) &&
  typeof SharedArrayBuffer === 'function' &&
  (buffer instanceof SharedArrayBuffer || Object.prototype.toString.call(buffer) === '[object SharedArrayBuffer]');

/** The names the library reads or calls on a typed array: an own property by one of them shadows the intrinsic. */
const SHADOWABLE = ['length', 'buffer', 'byteOffset', 'byteLength', 'set', 'subarray', 'fill', 'slice', 'constructor'];

function shadowed(view: object): boolean {
  for (let i = 0; i < SHADOWABLE.length; i++) if (Object.prototype.hasOwnProperty.call(view, SHADOWABLE[i])) return true;
  return false;
}

/** True when `buffer` was detached (transferred); shared buffers never are. */
export function isDetached(buffer: ArrayBufferLike): boolean {
  if (isShared(buffer)) return false;
  if (bufferByteLength.call(buffer) !== 0) return false;
  try {
    new Uint8Array(buffer as ArrayBuffer);
    return false;
  } catch {
    return true;
  }
}

/** True when the buffer can change size, so a length-tracking view over it can too. */
function canResize(buffer: ArrayBufferLike): boolean {
  if (isShared(buffer)) return sharedGrowable !== undefined && sharedGrowable.call(buffer) === true;
  return bufferResizable !== undefined && bufferResizable.call(buffer) === true;
}

type TypedArrayCtor<T> = { new (n: number): T; name: string };

/** A typed array's element type name ('Float32Array', …) from its internal slot, or undefined for anything else. */
export const viewTagOf = (value: unknown): string | undefined => viewTag.call(value) as string | undefined;

/** A view's element count, read from its internal slot (0 once detached). */
export const viewLengthOf = (view: ArrayBufferView): number => viewLength.call(view) as number;

/**
 * Checks that `value` is a typed array of `ctor`'s element type with a usable buffer, and returns
 * the view every later read and write goes through: `value` itself when it is a plain array of
 * that type, otherwise (a subclass, an array from another realm, an own property shadowing
 * `length`, `set`… or a view over a resizable buffer) a plain fixed-length view of the same memory,
 * so nothing the caller defined runs or changes size during the call.
 */
export function checkArray<T extends ArrayBufferView>(name: string, value: unknown, ctor: TypedArrayCtor<T>): T {
  if (viewTag.call(value) !== ctor.name) throw typeError(name, `a ${ctor.name}`, value);
  const buffer = viewBuffer.call(value) as ArrayBufferLike;
  if (isDetached(buffer)) throw new TypeError(`Expected a ${ctor.name} for ${name} but its buffer is detached`);
  const view = value as T;
  if (Object.getPrototypeOf(view) === ctor.prototype && !canResize(buffer) && !shadowed(view)) return view;
  const Ctor = ctor as unknown as new (b: ArrayBufferLike, offset: number, length: number) => T;
  return new Ctor(buffer, viewByteOffset.call(view) as number, viewLength.call(view) as number);
}

/** A non-negative integer count, such as the n of `uniform(n)`. */
export function checkCount(name: string, value: unknown): number {
  if (typeof value !== 'number') throw typeError(name, 'a non-negative integer', value);
  if (!Number.isInteger(value) || value < 0 || value > MAX_LENGTH) {
    throw rangeError(name, `an integer in [0, ${MAX_LENGTH}]`, value);
  }
  return value;
}

export function checkNumber(name: string, value: unknown, min = -Infinity, max = Infinity): number {
  if (typeof value !== 'number') throw typeError(name, 'a number', value);
  if (!Number.isFinite(value) || value < min || value > max) {
    const bounds = min === -Infinity && max === Infinity ? 'a finite number' : `a number in [${min}, ${max}]`;
    throw rangeError(name, bounds, value);
  }
  return value;
}

/** The drop probability p of every mask: a number in [0, 1]. */
export function checkProbability(name: string, value: unknown): number {
  return checkNumber(name, value, 0, 1);
}

/** Arrays in options (shapes, lists of ids) up to this length are copied into the snapshot. */
const SNAPSHOT_ARRAY_LIMIT = 4096;

function snapshotValue(v: unknown, depth: number): unknown {
  if (Array.isArray(v)) {
    const n = v.length;
    if (!(n <= SNAPSHOT_ARRAY_LIMIT)) return v;
    const copy: unknown[] = new Array(n);
    for (let i = 0; i < n; i++) copy[i] = v[i];
    return copy;
  }
  // Nested option groups (lstm's `dropout`, say) are plain objects: snapshot them too.
  if (depth > 0 && v !== null && typeof v === 'object' && !ArrayBuffer.isView(v)) {
    const proto = Object.getPrototypeOf(v);
    if (proto === Object.prototype || proto === null) return snapshotObject(v as Record<string, unknown>, depth - 1);
  }
  return v;
}

function snapshotObject(source: Record<string, unknown>, depth: number): Record<string, unknown> {
  // No prototype: an option the caller left out reads as undefined even if Object.prototype is polluted.
  const snapshot = Object.create(null) as Record<string, unknown>;
  for (const key of Object.getOwnPropertyNames(source))
    if (key !== '__proto__') snapshot[key] = snapshotValue(source[key], depth);
  let o = Object.getPrototypeOf(source) as object | null;
  // A Proxy can make the chain endless; no options object is this deep.
  for (let level = 0; o !== null && o !== Object.prototype && level < 32; level++, o = Object.getPrototypeOf(o)) {
    for (const key of Object.getOwnPropertyNames(o)) {
      if (key in snapshot || key === '__proto__' || key === 'constructor') continue;
      snapshot[key] = snapshotValue(source[key], depth);
    }
  }
  return snapshot;
}

/**
 * Checks an options object and returns a snapshot of it: every option read exactly once, before
 * any other argument is checked, so a getter cannot change an input after its check. A plain
 * object contributes its own properties (so a polluted Object.prototype never does); any other
 * object (a class instance, Object.create(defaults), a Proxy) its own and inherited ones up to
 * Object.prototype. Short arrays (shapes) are copied, typed arrays are kept as they are.
 */
export function checkOptions(name: string, value: unknown): Record<string, unknown> {
  if (value === undefined) return Object.create(null) as Record<string, unknown>;
  if (value === null || typeof value !== 'object' || Array.isArray(value) || ArrayBuffer.isView(value)) {
    throw typeError(name, 'an options object', value);
  }
  return snapshotObject(value as Record<string, unknown>, 2);
}

export function checkOneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string') throw typeError(name, `one of ${allowed.map((a) => `'${a}'`).join(', ')}`, value);
  if (!(allowed as readonly string[]).includes(value)) {
    throw rangeError(name, `one of ${allowed.map((a) => `'${a}'`).join(', ')}`, value);
  }
  return value as T;
}

/** Where two views lie in memory: no byte shared (empty views never share one), exactly the same bytes, or anything else. */
export type ViewRelation = 'disjoint' | 'same' | 'overlap';

let sharedViews: ((a: ArrayBufferView, b: ArrayBufferView) => ViewRelation) | null = null;

/**
 * Two SharedArrayBuffer objects may map one memory (structuredClone, a buffer posted to a worker
 * and back): only the addon can compare their data pointers. The Node entry registers it here
 * (backends/native.ts); without it such aliases count as disjoint.
 */
export function setSharedViewRelation(relation: (a: ArrayBufferView, b: ArrayBufferView) => ViewRelation): void {
  sharedViews = relation;
}

function viewRelation(a: ArrayBufferView, b: ArrayBufferView): ViewRelation {
  if (a.buffer !== b.buffer) return sharedViews && isShared(a.buffer) && isShared(b.buffer) ? sharedViews(a, b) : 'disjoint';
  const a0 = a.byteOffset,
    a1 = a0 + a.byteLength,
    b0 = b.byteOffset,
    b1 = b0 + b.byteLength;
  if (!(a0 < b1 && b0 < a1)) return 'disjoint';
  return a0 === b0 && a1 === b1 ? 'same' : 'overlap';
}

/**
 * `out` must not partly overlap `input`: the same view is fine (in place), a shifted view of
 * the same memory would read elements the call has already written.
 */
export function checkNoPartialOverlap(outName: string, out: ArrayBufferView, inName: string, input: ArrayBufferView): void {
  if (viewRelation(out, input) === 'overlap') {
    throw new RangeError(`Expected ${outName} to be ${inName} itself or not to overlap it, but the two views partly overlap`);
  }
}

/** `out` must not share any memory with `input` (products read inputs after writing outputs). */
export function checkDisjoint(
  outName: string,
  out: ArrayBufferView,
  inName: string,
  input: ArrayBufferView | null | undefined,
): void {
  if (input && viewRelation(out, input) !== 'disjoint') throw new RangeError(`Expected ${outName} not to overlap ${inName}`);
}

/** A number that stays finite when rounded to float32 (the kernels compute in float32). */
export function checkFloat32(name: string, value: unknown, min = -Infinity): number {
  const v = checkNumber(name, value, min);
  if (!Number.isFinite(Math.fround(v))) throw rangeError(name, 'a number within the float32 range (|v| < 3.4028235e38)', value);
  return v;
}

/**
 * A checked options snapshot with some options replaced, still without a prototype (a spread
 * `{ ...opts }` would make absent options read from Object.prototype again).
 */
export const withOptions = (opts: Record<string, unknown>, overrides: Record<string, unknown>): Record<string, unknown> =>
  Object.assign(Object.create(null) as Record<string, unknown>, opts, overrides);
