// A Generator is a position {seed, stream, offset} in the random stream that moves forward by
// the words each call consumes, so consecutive calls never reuse randomness.
import { philoxBlock } from './philox';
import { checkOptions, rangeError, typeError } from './errors';
import { OFFSET_LIMIT, UInt64Like, packCounter, toOffset, toSeed, toStream, toUInt } from './stream';

/** A generator's state as plain JSON: decimal strings, since JSON has no 64-bit integers. */
export interface GeneratorState {
  seed: string;
  stream: string;
  offset: string;
}

/** A position in the stream. */
export interface StreamPosition {
  seed: bigint;
  stream: bigint;
  offset: bigint;
}

/** Options of the Generator constructor. */
export interface GeneratorOptions {
  /** The stream: an independent sequence for the same seed (a layer, a worker, a purpose). Default 0. */
  stream?: UInt64Like;
  /** The first 32-bit word to use, below 2^66. Default 0. */
  offset?: UInt64Like;
}

// Read through the private fields, so neither a subclass overriding the getters nor a Proxy
// (which has no private fields) can make a call draw at a position other than the generator's.
let isGeneratorImpl: (value: unknown) => value is Generator;
let positionImpl: (g: Generator) => StreamPosition;
let advanceImpl: (g: Generator, words: number | bigint) => void;

/**
 * Whether v is a non-empty string of ASCII digits. A loop, not /^[0-9]+$/: V8's backtracking
 * regexp ran out of stack on a 10^7-digit state (a RangeError about the call stack, not one
 * naming the argument).
 */
function isDecimal(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return v.length > 0;
}

export class Generator {
  #seed: bigint;
  #stream: bigint;
  #offset: bigint;

  static {
    isGeneratorImpl = (value: unknown): value is Generator => typeof value === 'object' && value !== null && #seed in value;
    positionImpl = (g) => ({ seed: g.#seed, stream: g.#stream, offset: g.#offset });
    advanceImpl = (g, words) => {
      const next = g.#offset + BigInt(words);
      g.#offset = next >= OFFSET_LIMIT ? next % OFFSET_LIMIT : next;
    };
  }

  /**
   * @param seed - the Philox key: a safe-integer number or a bigint below 2^64.
   * @param options - the stream and the starting offset.
   */
  constructor(seed: UInt64Like, options: GeneratorOptions = {}) {
    const opts = checkOptions('options', options);
    this.#seed = toSeed('seed', seed);
    this.#stream = opts.stream === undefined ? 0n : toStream('stream', opts.stream);
    this.#offset = opts.offset === undefined ? 0n : toOffset('offset', opts.offset);
  }

  get seed(): bigint {
    return this.#seed;
  }

  get stream(): bigint {
    return this.#stream;
  }

  /** The next unused word of the stream. */
  get offset(): bigint {
    return this.#offset;
  }

  /** The current position; pass it to a backward function to regenerate a forward call's mask. */
  position(): StreamPosition {
    return { seed: this.#seed, stream: this.#stream, offset: this.#offset };
  }

  /** Moves the offset forward by `words` 32-bit words (wrapping at 2^66). */
  advance(words: UInt64Like): this {
    const next =
      this.#offset +
      (typeof words === 'number' && Number.isSafeInteger(words) && words >= 0 ? BigInt(words) : toOffset('words', words));
    this.#offset = next >= OFFSET_LIMIT ? next % OFFSET_LIMIT : next;
    return this;
  }

  /** A generator on another stream of the same seed, at offset 0. */
  fork(stream: UInt64Like): Generator {
    return new Generator(this.#seed, { stream: toStream('stream', stream) });
  }

  /**
   * A generator keyed by two words drawn from this one (which advances by 2): a new, independent
   * seed on the same stream number, at offset 0.
   */
  split(): Generator {
    const words = new Uint32Array(8);
    const c = packCounter(this.#seed, this.#stream, this.#offset);
    philoxBlock(c[0], c[1], c[4], c[5], c[2], c[3], words, 0);
    if (c[6] + 2 > 4) {
      const next = c[4] === 0xffffffff ? [0, (c[5] + 1) >>> 0] : [c[4] + 1, c[5]];
      philoxBlock(c[0], c[1], next[0], next[1], c[2], c[3], words, 4);
    }
    this.advance(2);
    const seed = (BigInt(words[c[6] + 1]) << 32n) | BigInt(words[c[6]]);
    return new Generator(seed, { stream: this.#stream });
  }

  toJSON(): GeneratorState {
    return { seed: this.#seed.toString(), stream: this.#stream.toString(), offset: this.#offset.toString() };
  }

  /** Restores a generator from `toJSON()` output (or its JSON text). */
  static fromJSON(state: GeneratorState | string): Generator {
    let s: unknown = state;
    // Three 20-digit numbers and their names fit in far less; a longer text is not a state, and
    // parsing a huge digit string as a bigint takes quadratic time.
    if (typeof s === 'string' && s.length > 4096) throw rangeError('state', 'generator JSON of at most 4096 characters', state);
    if (typeof s === 'string') {
      try {
        s = JSON.parse(s);
      } catch {
        throw typeError('state', 'generator JSON', state);
      }
    }
    const o = checkOptions('state', s);
    const big = (name: string, v: unknown): bigint => {
      if (typeof v === 'string' && isDecimal(v)) {
        let zeros = 0; // leading zeros are still a number
        while (zeros < v.length - 1 && v.charCodeAt(zeros) === 48) zeros++;
        if (v.length - zeros > 20) throw rangeError(`state.${name}`, 'a decimal string below 2^66', v);
        return BigInt(v.slice(zeros));
      }
      if (typeof v === 'number' || typeof v === 'bigint') return toUInt(`state.${name}`, v, OFFSET_LIMIT);
      throw typeError(`state.${name}`, 'a decimal string', v);
    };
    return new Generator(toSeed('state.seed', big('seed', o.seed)), {
      stream: toStream('state.stream', big('stream', o.stream)),
      offset: toOffset('state.offset', big('offset', o.offset)),
    });
  }
}

/** True for a real Generator (subclasses included), false for anything else, a Proxy of one included. */
export const isGenerator = (value: unknown): value is Generator => isGeneratorImpl(value);

/** A generator's position, from its private fields. */
export const generatorPosition = (g: Generator): StreamPosition => positionImpl(g);

/** Advances a generator by `words` (a non-negative integer below 2^66) without calling anything it may override. */
export const advanceGenerator = (g: Generator, words: number | bigint): void => advanceImpl(g, words);

let fallback: Generator | undefined;

/**
 * The generator used by calls that name neither a seed nor a generator. It is seeded once per
 * process from the platform's cryptographic random source; for reproducible results pass a
 * seed or a Generator of your own.
 */
export function defaultGenerator(): Generator {
  if (!fallback) {
    const w = new Uint32Array(2);
    globalThis.crypto.getRandomValues(w);
    fallback = new Generator((BigInt(w[1]) << 32n) | BigInt(w[0]));
  }
  return fallback;
}

/** Generators that a pending async method call draws from (see async/call.ts). */
const busy = new WeakMap<Generator, number>();

/** Marks `g` as used by a pending async call; the returned function releases it (once). */
export function markBusy(g: Generator): () => void {
  busy.set(g, (busy.get(g) ?? 0) + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const n = busy.get(g)! - 1;
    if (n > 0) busy.set(g, n);
    else busy.delete(g);
  };
}

/** True while a pending async method call draws from `g`. */
export const isBusy = (g: Generator): boolean => busy.has(g);
