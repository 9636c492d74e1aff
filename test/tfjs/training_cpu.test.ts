// On the tfjs cpu backend, an MLP and a small CNN trained with dropmask's dropout on the UCI
// digits reach the accuracy of the same models with tf.layers' dropout within noise. tfjs' cpu
// backend trains them 6 to 12 times slower than its wasm backend (the CNN at about 0.2 s a step),
// so it runs fewer seeds and epochs than training_wasm.test.ts; with one seed the margin is the
// binomial one.
import { cnn, compareOnDigits, mlp } from './digits_training';

compareOnDigits('cpu', 'MLP', mlp, 6, false, [1, 2]);
compareOnDigits('cpu', 'CNN', cnn, 4, true, [1]);
