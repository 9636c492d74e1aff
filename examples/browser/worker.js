// The same checks inside a module Web Worker.
import * as dm from '../../dist/edge.mjs';
import { checks } from './checks.js';

await dm.init();
postMessage(checks(dm));
