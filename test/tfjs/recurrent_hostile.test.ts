// Bad and hostile input to ops.lstm and ops.gru: every rejected call is a TypeError or RangeError
// naming the argument and leaves no tensor behind, every accepted call adds only the tensors it
// returns, and what a caller can make lie (getters, Proxies, subclasses, a polluted
// Object.prototype) either is read once or changes no bits. On cpu, wasm and the device path
// (a cpu backend under another name, which downloads with dataSync()).
import { BACKENDS, tf, useBackend } from './backends';
import { expectSameBits, values } from './expect';
import * as dm from '../../lib/index';
import { ops } from '../../lib/tfjs/index';

const [B, T, D, H] = [2, 3, 4, 3];

interface Args {
  x: unknown;
  kernel: unknown;
  recurrentKernel: unknown;
  biases: unknown[];
}

interface Cell {
  name: 'lstm' | 'gru';
  gates: number;
  /** The op's tensors: [output, h] and, for the LSTM, c. */
  call(a: Args, options?: unknown): tf.Tensor[];
}

const CELLS: Cell[] = [
  {
    name: 'lstm',
    gates: 4,
    call: (a, options) => {
      const r = ops.lstm(a.x as never, a.kernel as never, a.recurrentKernel as never, a.biases[0] as never, options as never);
      return [r.output, r.h, r.c];
    },
  },
  {
    name: 'gru',
    gates: 3,
    call: (a, options) => {
      const r = ops.gru(
        a.x as never,
        a.kernel as never,
        a.recurrentKernel as never,
        a.biases[0] as never,
        a.biases[1] as never,
        options as never,
      );
      return [r.output, r.h];
    },
  },
];

const tensor = (shape: number[], seed: number): tf.Tensor =>
  tf.tensor(
    dm.normal(
      shape.reduce((a, b) => a * b, 1),
      { seed, std: 0.5 },
    ),
    shape,
  );

/** Valid arguments of `cell` (x integer-valued, so that its int32 cast holds the same numbers). */
const argsOf = (cell: Cell): Args => ({
  x: tf.round(tf.mul(tensor([B, T, D], 1), 4)),
  kernel: tensor([D, cell.gates * H], 2),
  recurrentKernel: tensor([H, cell.gates * H], 3),
  biases: (cell.name === 'lstm' ? [4] : [4, 5]).map((seed) => tensor([cell.gates * H], seed)),
});

/** Outputs and the gradients in x and every weight of Σ w ⊙ output. */
function outputsAndGradients(cell: Cell, a: Args, options: () => unknown): Float32Array[] {
  const forward = cell.call(a, options()).map(values);
  const w = tensor([B, T, H], 9);
  const inputs = [a.x, a.kernel, a.recurrentKernel, ...a.biases] as tf.Tensor[];
  const grads = tf.grads((x, k, r, ...biases) => {
    const [output] = cell.call({ x, kernel: k, recurrentKernel: r, biases }, options());
    return tf.sum(tf.mul(output, w));
  })(inputs);
  return [...forward, ...grads.map(values)];
}

function expectSameResults(actual: Float32Array[], expected: Float32Array[]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => expectSameBits(a, expected[i]));
}

/** numTensors after `f` minus before. */
function tensorsAdded(f: () => void): number {
  const before = tf.memory().numTensors;
  f();
  return tf.memory().numTensors - before;
}

describe.each([...BACKENDS, 'device'] as const)('tfjs %s backend', (backend) => {
  beforeAll(() => useBackend(backend));

  describe.each(CELLS)('$name', (cell) => {
    let a: Args;
    beforeAll(() => {
      a = argsOf(cell);
    });
    const state = (): tf.Tensor => tensor([B, H], 6);
    const withArgs = (o: Partial<Args>): Args => ({ ...a, ...o });

    test('a call adds only the tensors it returns', () => {
      const h0 = state();
      for (const options of [{ seed: 1 }, { mode: 'eval' }, { seed: 1, dropout: { kind: 'gal' }, h0 }]) {
        let returned = 0;
        expect(tensorsAdded(() => (returned = cell.call(a, options).length))).toBe(returned);
      }
    });

    test.each([
      ['x with no steps', (): Partial<Args> => ({ x: tf.zeros([B, 0, D]) }), /\bx\b.*\[2, 0, 4\]/],
      ['x with an empty batch', (): Partial<Args> => ({ x: tf.zeros([0, T, D]) }), /\bx\b.*\[0, 3, 4\]/],
      [
        'x with no features',
        (): Partial<Args> => ({ x: tf.zeros([B, T, 0]), kernel: tf.zeros([0, cell.gates * H]) }),
        /\bx\b.*\[2, 3, 0\]/,
      ],
      [
        'zero units',
        (): Partial<Args> => ({
          kernel: tf.zeros([D, 0]),
          recurrentKernel: tf.zeros([0, 0]),
          biases: [tf.zeros([0]), tf.zeros([0])],
        }),
        /recurrentKernel/,
      ],
    ])('%s is a RangeError naming the argument and adds no tensor', (_name, override, message) => {
      const args = withArgs(override());
      expect(tensorsAdded(() => expect(() => cell.call(args, { seed: 1 })).toThrow(RangeError))).toBe(0);
      expect(() => cell.call(args, { seed: 1 })).toThrow(message);
    });

    test.each([
      ['a disposed x', (): [Partial<Args>, object] => [{ x: disposed([B, T, D]) }, {}], TypeError, /x but it is disposed/],
      ['a disposed h0', (): [Partial<Args>, object] => [{}, { h0: disposed([B, H]) }], TypeError, /h0 but it is disposed/],
      ['x of rank 2', (): [Partial<Args>, object] => [{ x: tf.zeros([B, D]) }, {}], RangeError, /x of rank 3/],
      [
        'kernel of another input size',
        (): [Partial<Args>, object] => [{ kernel: tf.zeros([D + 1, 12]) }, {}],
        RangeError,
        /kernel/,
      ],
      ['h0 of another batch', (): [Partial<Args>, object] => [{}, { h0: tf.zeros([B + 1, H]) }], RangeError, /h0 of shape/],
      ['h0 as a Float32Array', (): [Partial<Args>, object] => [{}, { h0: new Float32Array(B * H) }], TypeError, /h0/],
      [
        'bias of the wrong length',
        (): [Partial<Args>, object] => [{ biases: [tf.zeros([5]), tf.zeros([5])] }, {}],
        RangeError,
        /bias/,
      ],
      [
        'a string x',
        (): [Partial<Args>, object] => [{ x: tf.tensor(new Array<string>(B * T * D).fill('a'), [B, T, D]) }, {}],
        TypeError,
        /for x but received a string/,
      ],
      [
        'a string h0',
        (): [Partial<Args>, object] => [{}, { h0: tf.tensor(new Array<string>(B * H).fill('a'), [B, H]) }],
        TypeError,
        /for h0/,
      ],
      ['dropout.p NaN', (): [Partial<Args>, object] => [{}, { dropout: { kind: 'forward', p: NaN } }], RangeError, /dropout\.p/],
      [
        'dropout.p Infinity',
        (): [Partial<Args>, object] => [{}, { dropout: { kind: 'rnndrop', p: Infinity } }],
        RangeError,
        /dropout\.p/,
      ],
      [
        'dropout.p −0.1',
        (): [Partial<Args>, object] => [{}, { dropout: { kind: 'semeniuta', p: -0.1 } }],
        RangeError,
        /dropout\.p/,
      ],
      ['dropout.px 1.5', (): [Partial<Args>, object] => [{}, { dropout: { kind: 'gal', px: 1.5 } }], RangeError, /dropout\.px/],
      ['dropout without p', (): [Partial<Args>, object] => [{}, { dropout: { kind: 'forward' } }], TypeError, /dropout\.p/],
      ['dropout null', (): [Partial<Args>, object] => [{}, { dropout: null }], TypeError, /for dropout/],
      [
        "dropout kind 'zoneout'",
        (): [Partial<Args>, object] => [{}, { dropout: { kind: 'zoneout' } }],
        RangeError,
        /dropout\.kind/,
      ],
      ['firstStep 1.5', (): [Partial<Args>, object] => [{}, { firstStep: 1.5 }], RangeError, /firstStep/],
      ["mode 'test'", (): [Partial<Args>, object] => [{}, { mode: 'test' }], RangeError, /mode/],
      ['seed −1', (): [Partial<Args>, object] => [{}, { seed: -1 }], RangeError, /seed/],
      ['options null', (): [Partial<Args>, object] => [{}, null as never], TypeError, /for options/],
      [
        'an object made from Generator.prototype',
        (): [Partial<Args>, object] => [{}, { generator: Object.create(dm.Generator.prototype) }],
        TypeError,
        /for generator/,
      ],
      [
        'a Proxy of a Generator',
        (): [Partial<Args>, object] => [{}, { generator: new Proxy(new dm.Generator(1), {}) }],
        TypeError,
        /for generator/,
      ],
      [
        cell.name === 'lstm' ? 'resetAfter (an LSTM has no reset gate)' : 'resetAfter false (ops.gru is reset-after)',
        (): [Partial<Args>, object] => [{}, { resetAfter: cell.name === 'lstm' ? true : false }],
        TypeError,
        /resetAfter/,
      ],
    ] as const)('%s is a library error naming the argument and adds no tensor', (_name, make, kind, message) => {
      const [override, options] = make();
      const args = withArgs(override);
      const call = (): tf.Tensor[] => cell.call(args, options);
      expect(tensorsAdded(() => expect(call).toThrow(kind))).toBe(0);
      expect(call).toThrow(message);
    });

    (backend === 'wasm' ? test.skip : test)('a complex64 kernel is a TypeError naming it (wasm has no complex tensors)', () => {
      const kernel = tf.complex(a.kernel as tf.Tensor, a.kernel as tf.Tensor);
      expect(tensorsAdded(() => expect(() => cell.call(withArgs({ kernel }), { seed: 1 })).toThrow(TypeError))).toBe(0);
      expect(() => cell.call(withArgs({ kernel }), { seed: 1 })).toThrow(/for kernel but received a complex64/);
    });

    test('int32 and bool tensors compute as float32 tensors of their values', () => {
      const asFloat = (t: unknown): tf.Tensor => tf.tensor(values(t as tf.Tensor), (t as tf.Tensor).shape);
      const h0 = tf.round(tf.mul(state(), 3));
      const float = outputsAndGradients(cell, a, () => ({ seed: 2, dropout: { kind: 'gal' }, h0 }));
      const ints = outputsAndGradients(cell, withArgs({ x: tf.cast(a.x as tf.Tensor, 'int32') }), () => ({
        seed: 2,
        dropout: { kind: 'gal' },
        h0: tf.cast(h0, 'int32'),
      }));
      expectSameResults(ints, float);
      const bool = tf.greater(a.x as tf.Tensor, 0);
      const expected = cell.call(withArgs({ x: asFloat(bool) }), { seed: 3 }).map(values);
      expectSameResults(cell.call(withArgs({ x: bool }), { seed: 3 }).map(values), expected);
    });

    test('dropout is read once, so the backward pass replays the masks the forward pass drew', () => {
      const reads = { kind: 0, p: 0 };
      class Placement {
        get kind(): string {
          reads.kind++;
          return 'forward';
        }
        get p(): number {
          return reads.p++ === 0 ? 0.5 : 0;
        }
      }
      const expected = outputsAndGradients(cell, a, () => ({ seed: 4, dropout: { kind: 'forward', p: 0.5 } }));
      const calls = 2; // the forward call, and the call inside the gradient
      expectSameResults(
        outputsAndGradients(cell, a, () => {
          reads.p = 0;
          return { seed: 4, dropout: new Placement() };
        }),
        expected,
      );
      expect(reads.kind).toBe(calls);
      const proxied = new Proxy({ kind: 'forward', p: 0.5 }, {});
      expectSameResults(
        outputsAndGradients(cell, a, () => ({ seed: 4, dropout: proxied })),
        expected,
      );
    });

    test('options with getters are read once per call', () => {
      const h0 = state();
      const reads: Record<string, number> = {};
      const counted = (key: string, first: unknown, later: unknown) => ({
        get(): unknown {
          reads[key] = (reads[key] ?? 0) + 1;
          return reads[key] === 1 ? first : later;
        },
      });
      const options = (): object => {
        for (const key of Object.keys(reads)) delete reads[key];
        return Object.defineProperties(
          {},
          {
            seed: counted('seed', 5, 6),
            mode: counted('mode', 'train', 'eval'),
            firstStep: counted('firstStep', 2, 0),
            h0: counted('h0', h0, undefined),
            dropout: counted('dropout', { kind: 'semeniuta', p: 0.4 }, undefined),
          },
        );
      };
      const expected = outputsAndGradients(cell, a, () => ({
        seed: 5,
        mode: 'train',
        firstStep: 2,
        h0,
        dropout: { kind: 'semeniuta', p: 0.4 },
      }));
      expectSameResults(outputsAndGradients(cell, a, options), expected);
      expect(reads).toEqual({ seed: 1, mode: 1, firstStep: 1, h0: 1, dropout: 1 });
    });

    test('a Generator subclass that overrides position() draws and replays at its real position', () => {
      class Lying extends dm.Generator {
        override position(): dm.StreamPosition {
          return { seed: 99n, stream: 0n, offset: 0n };
        }
      }
      const dropout = { kind: 'gal', px: 0.5, ph: 0.5 };
      const plain = new dm.Generator(7, { offset: 3 }),
        lying = new Lying(7, { offset: 3 });
      const expected = outputsAndGradients(cell, a, () => ({ generator: plain, dropout }));
      expectSameResults(
        outputsAndGradients(cell, a, () => ({ generator: lying, dropout })),
        expected,
      );
      expect(lying.offset).toBe(plain.offset);
    });

    test('a polluted Object.prototype changes no bits', () => {
      const h0 = state();
      const options = (): object => ({ seed: 8, dropout: { kind: 'rnndrop', p: 0.3 }, h0 });
      const expected = outputsAndGradients(cell, a, options);
      const pollution: Record<string, unknown> = {
        resetAfter: false,
        firstStep: 5,
        c0: tf.ones([B, H]),
        dropout: { kind: 'forward', p: 0.9 },
        px: 0.9,
        ph: 0.9,
        tied: false,
        scaling: 'reproduce-inverted-c',
        maskSampling: 'per-sequence',
        dh: new Float32Array(B * H).fill(1),
        dc: new Float32Array(B * H).fill(1),
      };
      const proto = Object.prototype as Record<string, unknown>;
      try {
        for (const [key, value] of Object.entries(pollution))
          Object.defineProperty(proto, key, { value, configurable: true, writable: true });
        expectSameResults(outputsAndGradients(cell, a, options), expected);
      } finally {
        for (const key of Object.keys(pollution)) delete proto[key];
      }
    });
  });
});

function disposed(shape: number[]): tf.Tensor {
  const t = tf.zeros(shape);
  t.dispose();
  return t;
}
