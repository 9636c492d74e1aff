// Options every random call shares: where in the stream it draws, and which backend runs it.
import type { Backend, BackendName } from '../backends/interface';
import { typeError } from './errors';
import { Generator, advanceGenerator, defaultGenerator, generatorPosition, isBusy, isGenerator } from './generator';
import { getBackend } from '../backends/select';
import { UInt64Like, offsetWords, u64Words } from './stream';

/** Where a call draws its random numbers, and on which backend it runs. */
export interface StreamOptions {
  /** The Philox key: a safe-integer number or a bigint below 2^64. Exclusive with `generator`. */
  seed?: UInt64Like;
  /** With `seed`: the stream, an independent sequence of the same seed. Default 0. */
  stream?: UInt64Like;
  /** With `seed`: the first 32-bit word of the stream to use, below 2^66. Default 0. */
  offset?: UInt64Like;
  /**
   * A Generator to draw from; it advances by the words the call consumes. Without `seed` and
   * `generator`, calls draw from `defaultGenerator()`.
   */
  generator?: Generator;
  /** Runs this call on one backend, whatever `setBackend` chose. */
  backend?: BackendName;
  /**
   * Threads this call's native work may split across (1–256), instead of `setThreads`'s value.
   * Results never depend on it; wasm and js ignore it.
   */
  threads?: number;
}

/** A call's resolved stream position and backend. */
export interface Draw {
  counter: Uint32Array;
  backend: Backend;
  /** Advances the generator (if the call drew from one) past the words the call consumed. */
  commit(words: number | bigint): void;
}

export function resolveDraw(opts: Record<string, unknown>): Draw {
  const backend = getBackend(opts.backend, opts.threads);
  if (opts.generator !== undefined) {
    if (!isGenerator(opts.generator)) throw typeError('generator', 'a Generator', opts.generator);
    for (const key of ['seed', 'stream', 'offset'] as const) {
      if (opts[key] !== undefined) throw new TypeError(`Expected either generator or ${key} but received both`);
    }
  }
  if (opts.seed === undefined && opts.generator === undefined) {
    if (opts.stream !== undefined || opts.offset !== undefined) {
      throw new TypeError('Expected a seed with stream and offset but received no seed');
    }
  }
  const gen = opts.seed === undefined ? ((opts.generator as Generator | undefined) ?? defaultGenerator()) : undefined;
  if (gen && isBusy(gen)) {
    throw new TypeError(
      'Expected a generator that no pending async call draws from: await that call first, or pass seed, stream and offset',
    );
  }
  const counter = new Uint32Array(7);
  const at = gen ? generatorPosition(gen) : undefined;
  const [k0, k1] = u64Words('seed', at ? at.seed : opts.seed);
  const [s0, s1] = u64Words('stream', at ? at.stream : opts.stream === undefined ? 0 : opts.stream);
  const [b0, b1, phase] = offsetWords('offset', at ? at.offset : opts.offset === undefined ? 0 : opts.offset);
  counter[0] = k0;
  counter[1] = k1;
  counter[2] = s0;
  counter[3] = s1;
  counter[4] = b0;
  counter[5] = b1;
  counter[6] = phase;
  return {
    counter,
    backend,
    commit(words: number | bigint) {
      if (gen) advanceGenerator(gen, words);
    },
  };
}
