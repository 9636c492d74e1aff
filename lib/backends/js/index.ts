// The reference backend: plain TypeScript, the readable specification of every formula and the
// oracle the other backends are tested against. One file per kernel family, as in native/ and
// assembly/; the contract test checks that together they are exactly the kernel table.
import type { Backend } from '../interface';
import { bernoulliKernels } from './bernoulli';
import { broadcastKernels } from './broadcast';
import { convKernels } from './conv';
import { dropoutKernels } from './dropout';
import { gemvKernels } from './gemv';
import { matmulKernels } from './matmul';
import { normalKernels } from './normal';
import { philoxKernels } from './philox';
import { uniformKernels } from './uniform';

export const jsBackend: Backend = {
  name: 'js',
  simd: 'none',
  ...philoxKernels,
  ...uniformKernels,
  ...normalKernels,
  ...bernoulliKernels,
  ...dropoutKernels,
  ...matmulKernels,
  ...gemvKernels,
  ...convKernels,
  ...broadcastKernels,
};
