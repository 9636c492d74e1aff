// Argument checks shared by every public function. All checks run before any backend is
// called, and every message names the argument and what was received.

/** Describes a received value for an error message. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'bigint') return `${value}n (bigint)`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${value} (${typeof value})`;
  if (typeof value === 'string') return `${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)} (string)`;
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as { length?: number }).length ?? value.byteLength})`;
  if (Array.isArray(value)) return `Array(${value.length})`;
  if (typeof value === 'function') return 'a function';
  return `${(value as object).constructor?.name ?? 'Object'} (object)`;
}

export function typeError(name: string, expected: string, value: unknown): TypeError {
  return new TypeError(`Expected ${expected} for ${name} but received ${describe(value)}`);
}

export function rangeError(name: string, expected: string, value: unknown): RangeError {
  return new RangeError(`Expected ${expected} for ${name} but received ${describe(value)}`);
}

/** The largest element count any function accepts (the typed-array length limit of 32-bit engines). */
export const MAX_LENGTH = 2 ** 32 - 1;

function isDetached(buffer: ArrayBufferLike): boolean {
  if (buffer.byteLength !== 0) return false;
  const flag = (buffer as { detached?: boolean }).detached;
  if (typeof flag === 'boolean') return flag;
  try {
    new Uint8Array(buffer as ArrayBuffer);
    return false;
  } catch {
    return true;
  }
}

type TypedArrayCtor<T> = { new (n: number): T; name: string };

/** Checks that `value` is an instance of `ctor` whose buffer is usable. */
export function checkArray<T extends ArrayBufferView>(name: string, value: unknown, ctor: TypedArrayCtor<T>): T {
  if (!(value instanceof (ctor as unknown as abstract new (...args: never[]) => unknown)))
    throw typeError(name, `a ${ctor.name}`, value);
  if (isDetached((value as T).buffer)) throw new TypeError(`Expected a ${ctor.name} for ${name} but its buffer is detached`);
  return value as T;
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

export function checkOptions(name: string, value: unknown): Record<string, unknown> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value) || ArrayBuffer.isView(value)) {
    throw typeError(name, 'an options object', value);
  }
  return value as Record<string, unknown>;
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

const sharedMemory = (b: ArrayBufferLike): boolean => Object.prototype.toString.call(b) === '[object SharedArrayBuffer]';

function viewRelation(a: ArrayBufferView, b: ArrayBufferView): ViewRelation {
  if (a.buffer !== b.buffer)
    return sharedViews && sharedMemory(a.buffer) && sharedMemory(b.buffer) ? sharedViews(a, b) : 'disjoint';
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
