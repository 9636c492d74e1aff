// Promise forms of the methods (dropConnectAsync, dropBlockAsync, …). Node runs each call in a
// worker thread with its own dropmask (method_pool.ts); elsewhere the call runs on the calling
// thread. Either way the result has the bits of the sync form at the same stream position.
//
// A call that draws from a Generator takes the generator's position when it starts and advances
// the generator by exactly what the method consumed when it ends. Until then the generator is
// busy: further async calls on it wait their turn (so a sequence of calls gives the bits of the
// same sequence of sync calls) and sync calls on it throw a TypeError.
import { checkArray, checkOptions, viewTagOf } from '../core/errors';
import { Generator, advanceGenerator, defaultGenerator, generatorPosition, isGenerator, markBusy } from '../core/generator';
import { getBackend, getThreads } from '../backends/select';
import { OFFSET_LIMIT } from '../core/stream';

/** An async method form: its sync function (registered by that name in the API), where its options sit, and its clone hooks. */
export interface AsyncSpec extends CloneHooks {
  name: string;
  fn: (...args: never[]) => unknown;
  optionsAt: number;
}

/**
 * Runs a method with these (structured-clonable) arguments; with `counted`, the options' seed,
 * stream and offset become a Generator and the words it consumed are reported. Workers receive
 * `spec.name` and run the API's function of that name.
 */
export type MethodRunner = (spec: AsyncSpec, args: unknown[], counted: boolean) => Promise<{ result: unknown; words: bigint }>;

/** How a method's arguments and result cross to a worker when they hold more than arrays (RNN tapes). */
export interface CloneHooks {
  /** Main thread, before the call: arguments in a clonable form. */
  prepareArgs?: (args: unknown[]) => unknown[];
  /** Where it runs: the arguments back in working form. */
  reviveArgs?: (args: unknown[]) => unknown[];
  /** Where it runs: the result in a clonable form. */
  toClone?: (result: unknown) => unknown;
  /** Main thread, after: the result back in working form. */
  fromClone?: (value: unknown) => unknown;
  /** The method draws nothing (no generator is taken or locked). */
  drawsNothing?: boolean;
}

/** Runs `fn` here, with the hooks that apply where it runs (see MethodRunner). */
export function runMethodHere(
  method: { fn: (...args: never[]) => unknown } & CloneHooks,
  args: unknown[],
  counted: boolean,
): { result: unknown; words: bigint } {
  const { reviveArgs, toClone } = method;
  const fn = method.fn as (...args: unknown[]) => unknown;
  if (reviveArgs) args = [...reviveArgs(args.slice(0, -1)), args[args.length - 1]];
  const clone = (r: unknown): unknown => (toClone ? toClone(r) : r);
  if (!counted) return { result: clone(fn(...args)), words: 0n };
  const opts = args[args.length - 1] as Record<string, unknown>;
  const gen = new Generator(opts.seed as bigint, { stream: opts.stream as bigint, offset: opts.offset as bigint });
  const rest: Record<string, unknown> = { ...opts, generator: gen };
  delete rest.seed;
  delete rest.stream;
  delete rest.offset;
  const result = fn(...args.slice(0, -1), rest);
  return { result: clone(result), words: gen.offset - BigInt(opts.offset as bigint) };
}

let runner: MethodRunner = (spec, args, counted) => new Promise((resolve) => resolve(runMethodHere(spec, args, counted)));

/** Where the async method forms run (Node's entry installs a worker pool). */
export function setMethodRunner(run: MethodRunner): void {
  runner = run;
}

/** A copy of an argument: typed arrays (also over a SharedArrayBuffer) copied, arrays and plain objects copied member-wise. */
function snapshot(value: unknown): unknown {
  // A copy from the internal slots: a subclass's own slice (or species) never runs.
  const tag = viewTagOf(value);
  if (tag !== undefined) {
    try {
      return new (globalThis as unknown as Record<string, new (a: unknown) => unknown>)[tag](value);
    } catch {
      return value; // detached: it cannot cross either, so the call runs here and throws the sync form's TypeError
    }
  }
  if (ArrayBuffer.isView(value)) return new DataView(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength));
  if (Array.isArray(value)) return value.map(snapshot);
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, snapshot(v)]));
  }
  return value;
}

/** The tail of each generator's queue of async calls. */
const queues = new WeakMap<Generator, Promise<unknown>>();

/**
 * Runs the async form described by `spec` on `args` (the sync form's arguments). The forms call
 * this from plain arrow functions, so a bundle drops every form an application does not use.
 */
export function callAsync<R>(spec: AsyncSpec, args: unknown[]): Promise<R> {
  // A bad argument rejects, like every failure of the call: it never throws at the caller.
  try {
    return start<R>(spec, args);
  } catch (e) {
    return Promise.reject(e);
  }
}

/**
 * True for the error postMessage throws when an argument cannot cross to a worker (a function or
 * a Symbol in the options, a Proxy): checked by name, as it is a DOMException from another module.
 */
function isCloneError(e: unknown): boolean {
  return e !== null && typeof e === 'object' && (e as { name?: unknown }).name === 'DataCloneError';
}

function start<R>(spec: AsyncSpec, args: unknown[]): Promise<R> {
  const { optionsAt } = spec;
  const opts = { ...checkOptions('options', args[optionsAt]) };
  const out = opts.out;
  delete opts.out;
  if (out !== undefined) checkArray('out', out, Float32Array);
  // The worker runs on the backend and thread count this call would use here.
  opts.backend = getBackend(opts.backend).name;
  if (opts.threads === undefined) opts.threads = getThreads();
  const explicit = opts.seed !== undefined || spec.drawsNothing === true;
  const gen = explicit ? undefined : ((opts.generator as Generator | undefined) ?? defaultGenerator());
  if (gen !== undefined && !isGenerator(gen)) return Promise.reject(new TypeError('Expected a Generator for generator'));
  delete opts.generator;
  // Inputs are copied now (SharedArrayBuffer views too): the caller may change them while the call waits or runs.
  const inputs = (spec.prepareArgs ? spec.prepareArgs(args.slice(0, optionsAt)) : args.slice(0, optionsAt)).map(snapshot);
  const run = async (): Promise<R> => {
    if (gen) Object.assign(opts, generatorPosition(gen));
    const message = [...inputs, opts];
    // What cannot be cloned runs here, so the call gets the sync form's own answer: its TypeError
    // for a Proxy or a function where a value belongs, its result when the option is one it ignores.
    const done = await runner(spec, message, gen !== undefined).catch((e: unknown) => {
      if (isCloneError(e)) return runMethodHere(spec, message, gen !== undefined);
      throw e;
    });
    if (gen) advanceGenerator(gen, ((done.words % OFFSET_LIMIT) + OFFSET_LIMIT) % OFFSET_LIMIT);
    const result = (spec.fromClone ? spec.fromClone(done.result) : done.result) as R;
    if (out === undefined) return result;
    // A result cloned from a worker may come from another realm: test its tag, not instanceof.
    const isF32 = Object.prototype.toString.call(result) === '[object Float32Array]';
    const length = isF32 ? (result as unknown as Float32Array).length : -1;
    if (!isF32 || (out as Float32Array).length !== length) {
      throw new RangeError(
        `Expected out to hold the result, a Float32Array(${length}), but received Float32Array(${(out as Float32Array).length})`,
      );
    }
    checkArray('out', out, Float32Array).set(result as unknown as Float32Array);
    return out as R;
  };
  if (!gen) return run();
  const previous = queues.get(gen) ?? Promise.resolve();
  const release = markBusy(gen);
  const mine = previous.then(run, run).finally(release);
  queues.set(
    gen,
    mine.catch(() => undefined),
  );
  return mine;
}
