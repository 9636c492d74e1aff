// dropmask/tfjs for Node: TensorFlow.js layers and ops on dropmask's stream. Loading dropmask's
// Node entry first registers its native and WebAssembly backends (the same instance as
// require('dropmask')).
import '../index';

export * from './api';
