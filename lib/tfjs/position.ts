// Stream positions for tensors: where an op draws (an explicit seed/stream/offset, a Generator,
// or the default generator), and 64-bit values as layer configs hold them (JSON has no bigint).
import { Generator, defaultGenerator } from './dropmask';
import type { StreamPosition, UInt64Like } from './dropmask';
import { rangeError, typeError } from '../core/errors';

/** A 64-bit value in a layer config: a number when it is a safe integer, else its decimal string. */
export type ConfigUInt64 = number | string;

/** A seed, stream or offset as a layer accepts it: a safe integer, a bigint, or a decimal string (as saved in a config). */
export type UInt64Input = UInt64Like | string;

/** Parses a non-negative integer below `limit` given as a number, a bigint or a decimal string. */
export function parseUInt64(name: string, value: unknown, limit = 1n << 64n): bigint {
  let v: bigint;
  if (typeof value === 'bigint') v = value;
  else if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0)
      throw rangeError(name, 'a non-negative safe integer, a bigint or a decimal string', value);
    v = BigInt(value);
  } else if (typeof value === 'string') {
    if (!/^[0-9]{1,25}$/.test(value)) throw rangeError(name, 'a decimal string of digits', value);
    v = BigInt(value);
  } else {
    throw typeError(name, 'a non-negative integer (number, bigint or decimal string)', value);
  }
  if (v < 0n || v >= limit) throw rangeError(name, `an integer in [0, 2^${limit.toString(2).length - 1})`, value);
  return v;
}

/** The first word past the end of a stream (offsets count words up to 2^66). */
export const OFFSET_LIMIT = 1n << 66n;

/** `v` as a config holds it. */
export const configValue = (v: bigint): ConfigUInt64 => (v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString());

/** Options every op takes to place its draws in the stream. */
export interface OpStreamOptions {
  /** The Philox key: a safe-integer number or a bigint below 2^64. Exclusive with `generator`. */
  seed?: UInt64Like;
  /** With `seed`: the stream. Default 0. */
  stream?: UInt64Like;
  /** With `seed`: the first 32-bit word to use. Default 0. */
  offset?: UInt64Like;
  /** A dropmask Generator to draw from; it advances by the words the op consumes. */
  generator?: Generator;
}

/** Where an op draws: the generator its forward pass advances, and the position the backward pass replays. */
export interface Placement {
  generator: Generator;
  position: StreamPosition;
}

// Generator.prototype.position as loaded reads the private fields, which dropmask draws from: a
// subclass overriding position() cannot make a backward pass replay another position than the
// forward pass drew at, and an object that only inherits from Generator.prototype (or a Proxy of
// a generator) has no such fields and is refused here rather than by the engine.
const intrinsicPosition = Generator.prototype.position;

function positionOf(generator: unknown): StreamPosition {
  try {
    return intrinsicPosition.call(generator as Generator);
  } catch {
    throw typeError('generator', 'a Generator', generator);
  }
}

/** The placement of an op call (the position is taken before anything is drawn). */
export function place(opts: Record<string, unknown>): Placement {
  if (opts.generator !== undefined) {
    const position = positionOf(opts.generator);
    for (const key of ['seed', 'stream', 'offset'] as const) {
      if (opts[key] !== undefined) throw new TypeError(`Expected either generator or ${key} but received both`);
    }
    return { generator: opts.generator as Generator, position };
  }
  if (opts.seed === undefined) {
    if (opts.stream !== undefined || opts.offset !== undefined) {
      throw new TypeError('Expected a seed with stream and offset but received no seed');
    }
    const g = defaultGenerator();
    return { generator: g, position: g.position() };
  }
  const g = new Generator(opts.seed as UInt64Like, {
    stream: opts.stream as UInt64Like | undefined,
    offset: opts.offset as UInt64Like | undefined,
  });
  return { generator: g, position: g.position() };
}

/** A generator at `position` (for a backward pass, or a device path that regenerates a mask). */
export const generatorAt = (position: StreamPosition): Generator =>
  new Generator(position.seed, { stream: position.stream, offset: position.offset });

/** `position` as the stream options of a dropmask call. */
export const streamOf = (position: StreamPosition): { seed: bigint; stream: bigint; offset: bigint } => ({
  seed: position.seed,
  stream: position.stream,
  offset: position.offset,
});

const nextStream = new Map<bigint, bigint>();

/**
 * The default stream of a new layer with this seed: 0 for the first layer constructed with the
 * seed, 1 for the second, … (in construction order, since the last `resetLayerStreams()`).
 */
export function claimStream(seed: bigint): bigint {
  const s = nextStream.get(seed) ?? 0n;
  nextStream.set(seed, (s + 1n) % (1n << 64n));
  return s;
}

/**
 * Restarts the default streams: the next layer constructed with any seed takes stream 0 again.
 * Call it before building a model a second time in the same process to get the same streams.
 */
export function resetLayerStreams(): void {
  nextStream.clear();
}

/** A seed from the platform's cryptographic source, for layers constructed without one. */
export function randomSeed(): bigint {
  const w = new Uint32Array(2);
  globalThis.crypto.getRandomValues(w);
  return (BigInt(w[1]) << 32n) | BigInt(w[0]);
}
