// Per-step masks of lstm and gru sit at firstStep · W words past the call's position; that product
// passes 2^53 and must stay exact, and a position past the end of the stream (2^66) is a
// RangeError before anything is drawn or any generator moves.
import { Generator, gru, lstm, uniform } from '../../../lib/index';
import type { RnnDropout } from '../../../lib/index';
import { availableBackends } from '../../../lib/backends/select';
import { expectSameBits } from '../../helpers';

const END = 1n << 66n;

// B·D odd-sized so that W has many significant bits: firstStep · W is
// then odd above 2^53, a value no double holds.
const LSTM = { B: 2049, T: 1, D: 2049, H: 1, dropout: { kind: 'forward', p: 0.5 } as RnnDropout };
const GRU = { ...LSTM };
const words = (n: number): bigint => BigInt(Math.ceil(n / 2));

function run(which: 'lstm' | 'gru', backend: string, extra: Record<string, unknown>): Float32Array {
  const c = which === 'lstm' ? LSTM : GRU;
  const x = uniform(c.B * c.T * c.D, { seed: 3 });
  const o = { shape: [c.B, c.T, c.D], hiddenSize: c.H, dropout: c.dropout, backend, ...extra } as never;
  if (which === 'lstm') {
    const p = { W: uniform(4 * c.H * c.D, { seed: 4 }), U: uniform(4 * c.H * c.H, { seed: 5 }), b: new Float32Array(4 * c.H) };
    return lstm(x, p, o).output;
  }
  const p = {
    W: uniform(3 * c.H * c.D, { seed: 4 }),
    U: uniform(3 * c.H * c.H, { seed: 5 }),
    bW: new Float32Array(3 * c.H),
    bU: new Float32Array(3 * c.H),
  };
  return gru(x, p, o).output;
}

describe.each(availableBackends())('recurrent mask offsets past 2^53 on %s', (backend) => {
  test.each(['lstm', 'gru'] as const)('%s: firstStep s equals an explicit exact offset s · W', (which) => {
    const c = which === 'lstm' ? LSTM : GRU;
    const W = words(c.B * c.D);
    // just above 2^53 and odd times an odd W: no double holds the product
    let near = Number((1n << 53n) / W) + 1;
    if (near % 2 === 0) near++;
    const exact = BigInt(near) * W;
    expect(exact > 1n << 53n).toBe(true);
    expectSameBits(
      run(which, backend, { seed: 9, firstStep: near }),
      run(which, backend, { seed: 9, offset: exact }),
      `firstStep ${near}`,
    );
    // a generator advances by exactly (firstStep + T) · W
    const g = new Generator(9);
    const s = 2 ** 32 - 1;
    expectSameBits(run(which, backend, { generator: g, firstStep: s }), run(which, backend, { seed: 9, offset: BigInt(s) * W }));
    expect(g.offset).toBe(BigInt(s + c.T) * W);
  });
});

describe.each(availableBackends())('recurrent mask positions past the end of the stream on %s', (backend) => {
  const [B, T, D, H] = [2, 3, 3, 2];
  const x = uniform(B * T * D, { seed: 1 });
  const lstmP = { W: uniform(4 * H * D, { seed: 2 }), U: uniform(4 * H * H, { seed: 3 }), b: new Float32Array(4 * H) };
  const gruP = {
    W: uniform(3 * H * D, { seed: 2 }),
    U: uniform(3 * H * H, { seed: 3 }),
    bW: new Float32Array(3 * H),
    bU: new Float32Array(3 * H),
  };
  const kinds: RnnDropout[] = [
    { kind: 'forward', p: 0.3 },
    { kind: 'semeniuta', p: 0.3 },
  ];
  const call = (which: 'lstm' | 'gru', dropout: RnnDropout, extra: Record<string, unknown>): Float32Array => {
    const o = { shape: [B, T, D], hiddenSize: H, dropout, backend, ...extra } as never;
    return which === 'lstm' ? lstm(x, lstmP, o).output : gru(x, gruP, o).output;
  };

  test.each(['lstm', 'gru'] as const)(
    '%s: a RangeError naming firstStep, the generator unmoved; the last word of the stream is fine',
    (which) => {
      for (const dropout of kinds) {
        const W = words(B * (dropout.kind === 'forward' ? D : H));
        const firstStep = 2 ** 32 - 1;
        // the call would end past 2^66 by one word
        const start = END - (BigInt(firstStep) + BigInt(T)) * W + 1n;
        expect(() => call(which, dropout, { seed: 1, offset: start, firstStep })).toThrow(RangeError);
        expect(() => call(which, dropout, { seed: 1, offset: start, firstStep })).toThrow(/firstStep/);
        const g = new Generator(1, { offset: start });
        expect(() => call(which, dropout, { generator: g, firstStep })).toThrow(RangeError);
        expect(g.offset).toBe(start);
        // ending exactly at 2^66 uses the stream's last word and is the same as the explicit offset
        const fits = new Generator(1, { offset: start - 1n });
        const out = call(which, dropout, { generator: fits, firstStep });
        expect(fits.offset).toBe(0n); // the generator wraps at 2^66 as always
        expectSameBits(out, call(which, dropout, { seed: 1, offset: start - 1n + BigInt(firstStep) * W }));
      }
    },
  );
});
