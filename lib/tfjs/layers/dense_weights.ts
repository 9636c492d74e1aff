// The weights of a dense layer with a dropmask method: a tf.layers.dense built inside the layer,
// so kernel and bias take tf.layers' initializers, regularizers, constraints and names
// ('<layer>/kernel', '<layer>/bias'), and an activation layer for tf's activation names.
import { tfl } from '../tf';
import type { LayerArgs } from '../tf';

/** The arguments of tf.layers.dense that a dropmask dense layer passes through. */
export const DENSE_ARGS = [
  'units',
  'useBias',
  'kernelInitializer',
  'biasInitializer',
  'kernelRegularizer',
  'biasRegularizer',
  'kernelConstraint',
  'biasConstraint',
] as const;

/** tf.layers.dense's arguments, as accepted by the dense dropmask layers. */
export type DenseArgs = Parameters<typeof tfl.layers.dense>[0];

/** A weights-only tf.layers.dense (no activation) from the layer's arguments. */
export function innerDense(args: Record<string, unknown>, name: string): ReturnType<typeof tfl.layers.dense> {
  const dense: Record<string, unknown> = { name: `${name}_weights`, activation: 'linear' };
  for (const key of DENSE_ARGS) if (args[key] !== undefined) dense[key] = args[key];
  return tfl.layers.dense(dense as unknown as DenseArgs);
}

/** An activation layer for tf's activation identifier (default 'linear'). */
export function innerActivation(activation: unknown, name: string): ReturnType<typeof tfl.layers.activation> {
  const args = { name: `${name}_activation`, activation: activation ?? 'linear' } as unknown as LayerArgs & {
    activation: string;
  };
  return tfl.layers.activation(args as Parameters<typeof tfl.layers.activation>[0]);
}

/** The pass-through part of an inner dense layer's config (units, initializers, …). */
export function denseConfig(dense: ReturnType<typeof tfl.layers.dense>): Record<string, unknown> {
  const full = dense.getConfig() as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of DENSE_ARGS) if (full[key] !== undefined) out[key] = full[key];
  return out;
}
