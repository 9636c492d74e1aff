// TensorFlow-compatible stateless masks against real TensorFlow: tfStatelessUniform equals
// tf.random.stateless_uniform(shape, seed, alg='philox') and tfStatelessDropout equals
// tf.nn.experimental.stateless_dropout bit for bit, on every backend.
//
// Reference: tensorflow/tensorflow, tensorflow/core/kernels/stateless_random_ops.cc (GenerateKey),
// tensorflow/core/lib/random/random_distributions.h (Uint32ToFloat), tensorflow/python/ops/nn_ops.py
// (_dropout, _get_noise_shape); the values below are the float32 bit patterns TensorFlow 2.21.0
// (tensorflow-cpu wheel, CPU kernels) returned for
//   u = tf.random.stateless_uniform([n], seed=tf.constant(seed, tf.int64), alg='philox')
//   y = tf.nn.experimental.stateless_dropout(X, rate=rate, seed=seed, noise_shape=noise_shape)
// with X = (arange(15) − 7)/4 as a [3, 5] float32 tensor, X[0, 3] = NaN and X[0, 4] = +inf; the
// gradient is tf.GradientTape's for output_gradients arange(15) + 0.5. fnv is FNV-1a (32-bit) over
// the little-endian bytes of the float32 values.
import {
  randomBits,
  tfStatelessDropout,
  tfStatelessDropoutAsync,
  tfStatelessDropoutBackward,
  tfStatelessPosition,
  tfStatelessUniform,
} from '../../lib/index';
import { bitsOf, expectSameBits, variants } from '../helpers';

/** [seed, float32 bits of stateless_uniform([n], seed)], n not a multiple of 4 included. */
const UNIFORM: [[bigint, bigint], number[]][] = [
  [
    [1n, 0n],
    [
      1063314586, 1055621768, 1058647216, 1053360784, 1048683148, 1055095600, 1051693656, 1061603044, 1027134784, 1062289448,
      971575296, 1056280176, 1056859336, 1046953096, 1064017194,
    ],
  ],
  [
    [0n, 0n],
    [1045959792, 1060420882, 1061998836, 1061507748, 1053226264, 1063178208, 1062135136],
  ],
  [
    [42n, 7n],
    [1058850180, 1064163104, 1062560744, 1060268384, 1063337706, 1056623052, 1055215172, 1054843760, 1049618136],
  ],
  [
    [-1n, -1n],
    [1062373914, 1056582700, 1041586688, 1052272524, 1057775606, 1062980104],
  ],
  [
    [2147483647n, -2147483648n],
    [1022505600, 1063365782, 1036299552, 1052571824, 1030589664],
  ],
  [
    [1099511627779n, -4611686018427387904n],
    [1055923076, 1038864784, 1060904764, 1048726064, 1062209344, 1059307436, 1047956440, 1059595024, 1044171704, 1057377592],
  ],
  [
    [9223372036854775807n, -9223372036854775808n],
    [1054406076, 1063848272, 1058330574],
  ],
  [
    [123456789n, 987654321n],
    [
      1061961890, 1063289642, 1060526378, 1058701010, 1048253376, 1064506044, 1048957604, 1063702034, 1036876528, 1038053760,
      1046620280, 1034269856, 1060089336,
    ],
  ],
];
/** stateless_uniform([1027], [7, 11]): its FNV-1a and some elements, across the 1024-word chunk. */
const BIG = {
  fnv: 4201767917,
  at: {
    0: 1060741786,
    1: 1033765168,
    2: 1057668260,
    3: 1048989424,
    511: 1060730938,
    1023: 1042728456,
    1024: 1060174340,
    1025: 1056242396,
    1026: 1058650792,
  },
};
/** stateless_uniform([6], [3, 4], minval=-2.5, maxval=7.25) and stateless_uniform([2, 3], [3, 4]). */
const RANGE = [3187868832, 1088608926, 3199446352, 1074002802, 1084322197, 1085581410];
const MATRIX = [1048125528, 1065076498, 1046590736, 1055888188, 1061559182, 1062592382];
/** X, then [rate, seed, noise_shape, bits of stateless_dropout(X, rate, seed, noise_shape)]. */
const X = [
  3219128320, 3217031168, 3214934016, 2143289344, 2139095040, 3204448256, 3196059648, 0, 1048576000, 1056964608, 1061158912,
  1065353216, 1067450368, 1069547520, 1071644672,
];
const DROPOUT: [number, [number, number], (number | null)[] | undefined, number[]][] = [
  [0.5, [1, 0], undefined, [3227516928, 0, 3223322624, 0, 0, 0, 0, 0, 0, 1065353216, 0, 0, 0, 0, 1080033280]],
  [0.8, [1, 0], undefined, [3238789120, 0, 0, 0, 0, 0, 0, 0, 0, 1075838976, 0, 0, 0, 0, 1091305472]],
  [
    0.3,
    [5, 6],
    undefined,
    [3223322624, 3221824658, 0, 0, 2139095040, 0, 3199654766, 0, 0, 1060559726, 1065952402, 0, 0, 1074341010, 1075838976],
  ],
  [
    0.0,
    [5, 6],
    undefined,
    [
      3219128320, 3217031168, 3214934016, 2143289344, 2139095040, 3204448256, 3196059648, 0, 1048576000, 1056964608, 1061158912,
      1065353216, 1067450368, 1069547520, 1071644672,
    ],
  ],
  [0.999999, [5, 6], undefined, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]],
  [
    1e-9,
    [5, 6],
    undefined,
    [
      3219128320, 3217031168, 3214934016, 2143289344, 2139095040, 3204448256, 3196059648, 0, 1048576000, 1056964608, 1061158912,
      1065353216, 1067450368, 1069547520, 1071644672,
    ],
  ],
  [
    0.25,
    [9, -9],
    [3, 1],
    [
      3222623574, 3221225472, 3218429270, 2143289344, 2139095040, 3207244459, 3198855851, 0, 1051372203, 1059760811, 0, 0, 0, 0,
      0,
    ],
  ],
  [
    0.25,
    [9, -9],
    [5],
    [
      3222623574, 3221225472, 0, 2143289344, 2139095040, 3207244459, 3198855851, 0, 1051372203, 1059760811, 1065353216,
      1068149419, 0, 1073741824, 1075139926,
    ],
  ],
  [
    0.25,
    [9, -9],
    [1, 5],
    [
      3222623574, 3221225472, 0, 2143289344, 2139095040, 3207244459, 3198855851, 0, 1051372203, 1059760811, 1065353216,
      1068149419, 0, 1073741824, 1075139926,
    ],
  ],
  [
    0.25,
    [9, -9],
    [null, 1],
    [
      3222623574, 3221225472, 3218429270, 2143289344, 2139095040, 3207244459, 3198855851, 0, 1051372203, 1059760811, 0, 0, 0, 0,
      0,
    ],
  ],
];
/** The gradient of stateless_dropout(X, 0.3, [5, 6]) for output gradients arange(15) + 0.5. */
const GRAD = [
  1060559726, 1074341010, 0, 0, 1087223516, 0, 1091867209, 1093365175, 0, 1096361107, 1097859072, 0, 0, 1100630309, 1101379292,
];

const floats = (bits: number[]): Float32Array => new Float32Array(Uint32Array.from(bits).buffer);
function fnv1a(a: Float32Array): number {
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h;
}

describe.each(variants())('TensorFlow-compatible stateless masks on $label', (v) => {
  const backend = v.name;

  test('tfStatelessUniform equals tf.random.stateless_uniform for every seed, large and negative ones included', () => {
    for (const [seed, bits] of UNIFORM) {
      expectSameBits(
        bitsOf(v.run(() => tfStatelessUniform(bits.length, { seed, backend }))),
        Uint32Array.from(bits),
        `seed ${seed}`,
      );
    }
    const big = v.run(() => tfStatelessUniform(1027, { seed: [7, 11], backend }));
    expect(fnv1a(big)).toBe(BIG.fnv);
    for (const [i, b] of Object.entries(BIG.at)) expect(bitsOf(big)[Number(i)]).toBe(b);
    expectSameBits(
      bitsOf(v.run(() => tfStatelessUniform(6, { seed: [3, 4], minval: -2.5, maxval: 7.25, backend }))),
      Uint32Array.from(RANGE),
    );
    expectSameBits(
      bitsOf(v.run(() => tfStatelessUniform(new Float32Array(6), { seed: [3, 4], backend }))),
      Uint32Array.from(MATRIX),
    );
  });

  test("the recipe: TF's key and counter are a dropmask stream position, the float its 23 low bits", () => {
    const pos = tfStatelessPosition([1, 0]);
    // the worked example of test/fixtures/philox_kat.txt: key 89544a39 45b18372, counter 0 0 4014df35 a278da50
    expect(pos).toEqual({ seed: 0x45b1837289544a39n, stream: 0xa278da504014df35n, offset: 0 });
    const words = v.run(() => randomBits(8, { ...pos, backend }));
    expect(Array.from(words.subarray(0, 4), (w) => w.toString(16))).toEqual(['e770724d', '98bae0a2', 'feccd658', 'ebb240a4']);
    const u = v.run(() => tfStatelessUniform(8, { seed: [1, 0], backend }));
    for (let i = 0; i < 8; i++) expect(u[i]).toBe((words[i] & 0x7fffff) * 2 ** -23);
    // seeds are TF's int64: −1 is 2^64 − 1, a number and a bigint give the same stream
    expect(tfStatelessPosition([-1, 3])).toEqual(tfStatelessPosition([-1n, 3n]));
  });

  test('tfStatelessDropout equals tf.nn.experimental.stateless_dropout: rates, NaN and inf, noise shapes of lower rank', () => {
    const x = floats(X);
    for (const [rate, seed, noiseShape, bits] of DROPOUT) {
      const y = v.run(() => tfStatelessDropout(x, { rate, seed, shape: [3, 5], noiseShape, backend }));
      expectSameBits(bitsOf(y), Uint32Array.from(bits), `rate ${rate}, noise shape ${JSON.stringify(noiseShape)}`);
    }
    const dy = Float32Array.from({ length: 15 }, (_, i) => i + 0.5);
    expectSameBits(
      bitsOf(v.run(() => tfStatelessDropoutBackward(dy, { rate: 0.3, seed: [5, 6], backend }))),
      Uint32Array.from(GRAD),
    );
    // the documented example (tf.nn.experimental.stateless_dropout's API page)
    const ones = new Float32Array(15).fill(1);
    expect(Array.from(v.run(() => tfStatelessDropout(ones, { rate: 0.5, seed: [1, 0], backend })))).toEqual([
      2, 0, 2, 0, 0, 0, 0, 2, 0, 2, 0, 0, 0, 0, 2,
    ]);
    expect(v.run(() => tfStatelessDropout(x, { rate: 0.9, seed: [1, 0], mode: 'eval', backend }))).toEqual(x);
  });

  test('bad input: rates outside [0, 1) as TF refuses them, seeds that are not an int64 pair', () => {
    const x = new Float32Array(4);
    for (const rate of [1, -0.1, 1.5, NaN])
      expect(() => tfStatelessDropout(x, { rate, seed: [1, 2], backend })).toThrow(/for rate/);
    expect(() => tfStatelessDropout(x, { rate: 0.5, backend } as never)).toThrow(TypeError);
    expect(() => tfStatelessUniform(4, { seed: [1] as never, backend })).toThrow(/for seed/);
    expect(() => tfStatelessUniform(4, { seed: [1, 2 ** 60], backend })).toThrow(/for seed\[1\]/);
    expect(() => tfStatelessUniform(4, { seed: [1n << 63n, 0n], backend })).toThrow(RangeError);
    expect(() => tfStatelessUniform(4, { seed: ['1', 0] as never, backend })).toThrow(TypeError);
    expect(() => tfStatelessDropout(x, { rate: 0.5, seed: [1, 2], shape: [4], noiseShape: [2], backend })).toThrow(
      /noiseShape\[0\]/,
    );
  });
});

test('the Promise twin gives the same bits', async () => {
  const x = floats(X);
  const [rate, seed, , bits] = DROPOUT[2];
  expectSameBits(bitsOf(await tfStatelessDropoutAsync(x, { rate, seed })), Uint32Array.from(bits));
});
