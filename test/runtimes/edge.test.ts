// The edge entries (dist/edge.mjs, dist/edge-core.mjs): no Node API (they run in a vm context
// with no require or process), the same bits as the Node entry after init(), the size budget,
// and the WebAssembly memory staying bounded across calls larger than it.
import { execFileSync } from 'child_process';
import { buildSync } from 'esbuild';
import { readFileSync, statSync } from 'fs';
import * as path from 'path';
import { availableBackends, bernoulliMask, dropout, loadBackend, normal } from '../../lib/index';
import { expectSameBits } from '../helpers';

const dist = path.join(__dirname, '..', '..', 'dist');
const runInVm = (bundle: string): Record<string, unknown> =>
  JSON.parse(
    execFileSync(
      process.execPath,
      [
        '--experimental-vm-modules',
        '--no-warnings',
        path.join(__dirname, '..', 'fixtures', 'edge_vm.mjs'),
        path.join(dist, bundle),
      ],
      { encoding: 'utf8' },
    ),
  );

describe.each(['edge.mjs', 'edge-core.mjs'])('%s', (bundle) => {
  test('runs in a vm context with no require, process or fetch, and matches the Node entry bit for bit', () => {
    const r = runInVm(bundle);
    expect(r.requireType).toBe('undefined');
    expect(r.processType).toBe('undefined');
    expect(r.fetchType).toBe('undefined');
    expect(r.before).toBe('js');
    expect(String(r.reason)).toMatch(/init\(\)/);
    expect(r.backend).toBe('wasm');
    expect(r.simd).toBe('simd128');
    expectSameBits(Uint8Array.from(r.u8 as number[]), bernoulliMask(1000, { p: 0.3, seed: 5, layout: 'uint8' }), 'mask');
    const y = dropout(normal(4096, { seed: 6 }), { p: 0.5, seed: 7 });
    expectSameBits(Float32Array.from(r.y as string[], Number), y, 'dropout');
  });
});

test('size budget: the .wasm ≤ 64 KiB, the core edge bundle ≤ 35 KiB and a tree-shaken init + dropout ≤ 32 KiB minified', () => {
  expect(statSync(path.join(dist, 'dropmask.wasm')).size).toBeLessThanOrEqual(64 * 1024);
  // 32 KiB since the AssemblyScript loader (6 KiB, docs/architecture.md) joined every entry, 34
  // since the hardening of issue 14 (intrinsic array reads, option snapshots, bounded sorts), 35
  // since packWeights / PackedWeights joined the dense API (issue 16)
  expect(statSync(path.join(dist, 'edge-core.mjs')).size).toBeLessThanOrEqual(35 * 1024);
  // The async forms, and every method behind them, must stay droppable: an application that uses
  // init and dropout ships about what the core entry does.
  // init()'s fallback (init-fallback.mjs and the inlined module) is a lazy import, loaded only
  // when the .wasm next to the bundle cannot be fetched: not counted
  const shaken = buildSync({
    external: ['./init-fallback.mjs', './wasm-embedded.mjs'],
    stdin: { contents: "export { init, dropout } from './edge.mjs';", resolveDir: dist },
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    minify: true,
    write: false,
  });
  expect(shaken.outputFiles[0].contents.length).toBeLessThanOrEqual(32 * 1024);
  for (const file of ['edge.mjs', 'edge-core.mjs', 'init-fallback.mjs']) {
    expect(readFileSync(path.join(dist, file), 'utf8')).not.toMatch(/\brequire\(|from ?["']node:|process\.env/);
  }
});

test('wasm memory: one arena that grows when needed and stays bounded across large calls', () => {
  const wasm = loadBackend('wasm');
  const memory = (): number => (wasm as unknown as { memoryBytes?: () => number }).memoryBytes!();
  const x = normal(1 << 21, { seed: 1 });
  dropout(x, { p: 0.5, seed: 2, backend: 'wasm' });
  const after = memory();
  expect(after).toBeLessThan(4 * 1024 * 1024); // chunks of 32 Ki elements, never the whole 8 MiB input
  for (let i = 0; i < 5; i++) dropout(x, { p: 0.5, seed: 3 + i, backend: 'wasm' });
  expect(memory()).toBe(after);
  const y = dropout(x, { p: 0.3, seed: 9, backend: 'wasm' });
  expectSameBits(y, dropout(x, { p: 0.3, seed: 9, backend: availableBackends()[0] }), 'chunked dropout');
});
