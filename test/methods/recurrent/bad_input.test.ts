// Bad input to the recurrent ops (lstm, gru and lstmBackward): a TypeError or RangeError naming
// the argument. Embedding dropout's are in embedding_dropout.test.ts.
import { gru, lstm, lstmBackward } from '../../../lib/index';

describe('bad input to lstm, gru and lstmBackward', () => {
  const x = new Float32Array(2 * 3 * 4);
  const p = { W: new Float32Array(4 * 5 * 4), U: new Float32Array(4 * 5 * 5), b: new Float32Array(4 * 5) };
  const o = { shape: [2, 3, 4], hiddenSize: 5 };
  test.each([
    [() => lstm(x, p, { ...o, shape: [2, 3, 5] }), RangeError, /shape/],
    [() => lstm(x, p, { ...o, shape: [6, 4] }), TypeError, /shape/],
    [() => lstm(x, p, { ...o, hiddenSize: 4 }), RangeError, /params.W/],
    [() => lstm(x, { ...p, b: new Float32Array(3) }, o), RangeError, /params.b/],
    [() => lstm(x, p, { ...o, dropout: { kind: 'zoneout' } as never }), RangeError, /dropout.kind/],
    [() => lstm(x, p, { ...o, dropout: { kind: 'rnndrop', p: 1.5 } }), RangeError, /dropout.p/],
    [() => lstm(x, p, { ...o, dropout: { kind: 'gal', tied: 'yes' } as never }), TypeError, /dropout.tied/],
    [() => lstm(x, p, { ...o, h0: new Float32Array(3) }), RangeError, /h0/],
    [
      () =>
        gru(
          x,
          { W: new Float32Array(60), U: new Float32Array(75), bW: new Float32Array(15), bU: new Float32Array(15) },
          { ...o, c0: new Float32Array(10) },
        ),
      TypeError,
      /GRU has no cell/,
    ],
    [() => lstmBackward(lstm(x, p, o).tape, new Float32Array(5)), RangeError, /dOutput/],
  ])('%#', (call, type, message) => {
    expect(call).toThrow(type);
    expect(call).toThrow(message);
  });
});
