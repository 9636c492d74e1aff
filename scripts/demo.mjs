// npm run demo: a short tour of the kernels on the chosen backend.
import dropmask from '../dist/index.js';

const { Generator, backendInfo, bernoulliMask, dropout, effectiveP, maskScale, normal, randomBits, uniform } = dropmask;
const hex = (a) => Array.from(a, (w) => w.toString(16).padStart(8, '0')).join(' ');
const info = backendInfo();
console.log(`dropmask demo — backend ${info.name} (${info.simd}): ${info.reason}${info.nativeError ? `\n  native unavailable: ${info.nativeError}` : ''}\n`);

console.log('Philox4x32-10 words, seed 0, stream 0, offset 0 (Random123 known answer 6627e8d5 e169c58d bc57ac4c 9b00dbd8):');
console.log(' ', hex(randomBits(4, { seed: 0 })), '\n');

console.log(`A keep mask of 64 elements, p = 0.3 (effective p ${effectiveP(0.3)}, scale ${maskScale(0.3)}), seed 7:`);
const bits = bernoulliMask(64, { p: 0.3, layout: 'bits', seed: 7 });
const row = Array.from({ length: 64 }, (_, i) => ((bits[i >> 5] >>> (i & 31)) & 1 ? '█' : '·')).join('');
console.log(' ', row, '\n');

const g = new Generator(42);
const x = new Float32Array(12).fill(1);
const at = g.position();
console.log('dropout of twelve ones, p = 0.5, from a Generator at', JSON.stringify(g.toJSON()));
console.log(' ', Array.from(dropout(x, { p: 0.5, generator: g })).join(' '));
console.log('  the same call again from the saved position:', Array.from(dropout(x, { p: 0.5, ...at })).join(' '));
console.log('  the generator moved on to', JSON.stringify(g.toJSON()), '\n');

const z = normal(100000, { seed: 3 });
const bins = new Array(13).fill(0);
for (const v of z) if (v >= -3.25 && v < 3.25) bins[Math.floor((v + 3.25) / 0.5)]++;
console.log('normal(100000): histogram in steps of 0.5 sigma');
bins.forEach((c, i) => console.log(`  ${(-3 + 0.5 * i).toFixed(1).padStart(5)} ${'#'.repeat(Math.round(c / 400))}`));

const n = 1 << 22;
const buf = new Float32Array(n);
const t0 = performance.now();
for (let i = 0; i < 10; i++) bernoulliMask(buf, { p: 0.5, seed: i });
const seconds = (performance.now() - t0) / 1000;
console.log(`\nthroughput: bernoulliMask float32, n = 2^22: ${((10 * n) / seconds / 1e9).toFixed(2)} G elements/s on ${info.name}`);
console.log(`uniform(3) with seed 1: ${Array.from(uniform(3, { seed: 1 })).join(', ')}`);
