// examples/browser/ in real headless Chromium (Debian's chromium, driven by playwright-core, no
// browser download): the page and a Web Worker compute masks for fixed seeds with dist/edge.mjs
// and WebAssembly, and they must equal what Node computes. Prints the page's Bernoulli float32
// throughput next to Node's wasm figure. Skipped only outside CI when no Chromium is installed.
import { execFileSync } from 'child_process';
import { existsSync, readFileSync } from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as path from 'path';
import { chromium } from 'playwright-core';

const root = path.join(__dirname, '..', '..');
const executable = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => p && existsSync(p));
const run = executable || process.env.CI ? test : test.skip;

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.json': 'application/json',
};

/** A static server for the repository root (ES modules and workers need http, not file://). */
function serve(): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const file = path.join(root, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    const target = file.endsWith('/') ? path.join(file, 'index.html') : file;
    if (!target.startsWith(root) || !existsSync(target)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(target)] ?? 'application/octet-stream' }).end(readFileSync(target));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** The same checks in Node (the Node entry, default backend), from the page's own checks.js. */
function nodeChecks(backend: string): Record<string, unknown> {
  const script = `import * as dm from ${JSON.stringify(path.join(root, 'dist', 'index.mjs'))};
import { checks } from ${JSON.stringify(path.join(root, 'examples', 'browser', 'checks.js'))};
dm.setBackend(${JSON.stringify(backend)});
console.log(JSON.stringify(checks(dm)));`;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }));
}

run(
  "examples/browser in headless Chromium: page and Web Worker masks equal Node's",
  async () => {
    if (!executable) throw new Error('Chromium not found (CI installs it: apt-get install chromium); set CHROMIUM_PATH');
    const server = await serve();
    const browser = await chromium.launch({ executablePath: executable, args: ['--no-sandbox', '--disable-gpu'] });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/examples/browser/index.html`);
      await page.waitForFunction(() => (window as unknown as { results?: unknown }).results !== undefined, null, {
        timeout: 60000,
      });
      const results = await page.evaluate(
        () => (window as unknown as { results: Record<string, Record<string, unknown>> }).results,
      );
      expect(errors).toEqual([]);
      expect(results.error).toBeUndefined();
      const node = nodeChecks('auto'),
        nodeWasm = nodeChecks('wasm');
      for (const where of ['page', 'worker'] as const) {
        expect(results[where].backend).toBe('wasm');
        for (const key of ['mask', 'dropout', 'dropBlock']) expect(results[where][key]).toBe(node[key]);
      }
      const g = (v: unknown): string => `${(Number(v) / 1e9).toFixed(2)} G elements/s`;
      console.log(
        `Bernoulli float32, 2^22 elements: Chromium page ${g(results.page.bernoulliPerSecond)}, Chromium worker ${g(results.worker.bernoulliPerSecond)}, Node wasm ${g(nodeWasm.bernoulliPerSecond)}`,
      );
    } finally {
      await browser.close();
      server.close();
    }
  },
  120000,
);
