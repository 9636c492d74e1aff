// The built-in MLP: its gradients with every dropout method against finite differences (masks
// fixed by the seed), and that it learns with each of them.
import { Mlp, noisySine, normal } from '../../../lib/index';
import { finiteDifference } from '../../helpers';

describe('the built-in MLP with each dropout method', () => {
  test.each(['none', 'dropout', 'gaussian', 'alpha', 'dropconnect'] as const)(
    'MLP gradients with %s dropout match finite differences (masks fixed by the seed)',
    (method) => {
      for (const loss of ['mse', 'cross-entropy'] as const) {
        const mlp = new Mlp({
          sizes: [3, 6, 5, 2],
          activation: method === 'alpha' ? 'selu' : 'tanh',
          dropout: { method, p: 0.3 },
          seed: 22,
        });
        const x = normal(4 * 3, { seed: 23 }),
          y = loss === 'mse' ? normal(4 * 2, { seed: 24 }) : Float32Array.of(1, 0, 0, 1, 1, 0, 0, 1);
        const g = mlp.gradients(x, y, { seed: 25, loss });
        const f = () => mlp.gradients(x, y, { seed: 25, loss }).loss;
        for (let l = 0; l < 3; l++) {
          for (let i = 0; i < mlp.weights[l].length; i += 3)
            expect(g.dW[l][i]).toBeCloseTo(finiteDifference(mlp.weights[l], i, 1e-3, f), 3);
          for (let i = 0; i < mlp.biases[l].length; i++)
            expect(g.db[l][i]).toBeCloseTo(finiteDifference(mlp.biases[l], i, 1e-3, f), 3);
        }
      }
    },
  );

  test.each(['gaussian', 'alpha', 'dropconnect'] as const)('the MLP learns with %s dropout', (method) => {
    const mlp = new Mlp({
      sizes: [2, 5, 1],
      activation: method === 'alpha' ? 'selu' : 'tanh',
      dropout: { method, p: 0.2 },
      seed: 19,
    });
    const { x, y } = noisySine(20, { seed: 20 });
    const x2 = new Float32Array(40).map((_, i) => x[i >> 1] * (i & 1 ? 0.5 : 1));
    const losses = mlp.train(x2, y, { epochs: 60, batchSize: 20, learningRate: 0.02, seed: 21 });
    expect(losses[losses.length - 1]).toBeLessThan(losses[0]);
  });
});
