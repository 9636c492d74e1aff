// Objects inside a layer's config (an initializer, a wrapped layer) in the { className, config }
// form tf.layers uses, looked up in tfjs' serialisation registry when a model is loaded.
import { tf, tfl } from '../tf';
import { typeError } from '../../core/errors';

type Serializable = tf.serialization.Serializable;
type Initializer = ReturnType<typeof tfl.initializers.glorotUniform>;

/** `obj` as a config holds it (as JSON would keep it: without undefined fields, so a loaded config compares equal). */
export const serializeObject = (obj: Serializable): tf.serialization.ConfigDict =>
  JSON.parse(JSON.stringify({ className: obj.getClassName(), config: obj.getConfig() }));

/** An object back from `serializeObject`'s form (its class must be registered with tfjs). */
export function deserializeObject<T extends Serializable>(name: string, value: unknown): T {
  const v = value as { className?: unknown; config?: unknown } | null;
  if (typeof v !== 'object' || v === null || typeof v.className !== 'string') {
    throw typeError(name, 'a serialised object { className, config }', value);
  }
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[v.className];
  if (!entry) throw new TypeError(`Expected a registered class for ${name} but ${v.className} is not registered with tfjs`);
  const [cls, fromConfig] = entry;
  return fromConfig(cls, (v.config ?? {}) as tf.serialization.ConfigDict) as T;
}

const isSerializable = (v: unknown): v is Serializable =>
  typeof v === 'object' && v !== null && typeof (v as Serializable).getClassName === 'function';

/**
 * An initializer argument: an Initializer, the name of a tf.initializers factory ('glorotUniform',
 * 'orthogonal', 'zeros', …) or a serialised initializer; `fallback` names the default.
 */
export function initializerArg(name: string, value: unknown, fallback: string): Initializer {
  const v = value === undefined || value === null ? fallback : value;
  if (isSerializable(v)) return v as Initializer;
  if (typeof v === 'string') {
    const factory = (tfl.initializers as unknown as Record<string, unknown>)[v];
    if (typeof factory !== 'function')
      throw new RangeError(`Expected the name of a tf.initializers factory for ${name} but received "${v}"`);
    return (factory as (args: object) => Initializer)({});
  }
  return deserializeObject<Initializer>(name, v);
}
