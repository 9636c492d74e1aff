// On the tfjs wasm backend, an MLP and a small CNN trained with dropmask's dropout on the UCI
// digits reach the accuracy of the same models with tf.layers' dropout within noise (three seeds
// per arm), and training with dropmask's layers is reproducible.
import { cnn, compareOnDigits, mlp } from './digits_training';

compareOnDigits('wasm', 'MLP', mlp, 8, false, [1, 2, 3]);
compareOnDigits('wasm', 'CNN', cnn, 6, true, [1, 2, 3]);
