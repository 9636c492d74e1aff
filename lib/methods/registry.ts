// The method registry: every dropout method once, as data. The async forms, the worker's lookup,
// the generic hostile-input fuzz test and the contract test (every method has its sync,
// backward and async forms, a README section and a demo figure) all read this list. It holds
// names, not functions, so a bundle that imports one method keeps only that method.

/** The families of the README's method table; each is a folder of lib/methods/. */
export type MethodFamily = 'dense' | 'conv' | 'recurrent' | 'bayes';

/** How a form's Promise twin (`<form>Async`) runs. */
export type AsyncKind =
  /** in a worker thread (Node) with its own dropmask, through async/call.ts */
  | 'worker'
  /** on the backend's off-thread kernel (native: the libuv pool), through async/kernels.ts */
  | 'kernel'
  /** here, awaiting a caller's async callback (MC dropout's forward pass) */
  | 'local';

export interface MethodForm {
  /** Position of the options object among the arguments. */
  optionsAt: number;
  /** Default 'worker'. */
  async?: AsyncKind;
}

export interface MethodSpec {
  family: MethodFamily;
  /** The README heading (### or ##) of the section that documents the method. */
  readme: string;
  /** The `npm run demo` figure that shows the method (the PNG's base name). */
  demo: string;
  /** Every function of the method with its options position: the forward pass first. */
  forms: Readonly<Record<string, MethodForm>>;
  /** The form that is the backward pass, or null when the method has none (MC dropout's passes are forward only). */
  backward: string | null;
}

/** Every method, keyed by its forward function. */
export const METHODS = {
  dropout: {
    family: 'dense',
    readme: 'Standard dropout',
    demo: 'dense-dropout',
    backward: 'dropoutBackward',
    forms: { dropout: { optionsAt: 1, async: 'kernel' }, dropoutBackward: { optionsAt: 1 } },
  },
  dropConnect: {
    family: 'dense',
    readme: 'DropConnect',
    demo: 'dropconnect',
    backward: 'dropConnectBackward',
    forms: { dropConnect: { optionsAt: 3 }, dropConnectBackward: { optionsAt: 4 }, dropConnectInference: { optionsAt: 3 } },
  },
  standout: {
    family: 'dense',
    readme: 'Standout',
    demo: 'dense-bayes',
    backward: 'standoutBackward',
    forms: { standout: { optionsAt: 3 }, standoutBackward: { optionsAt: 4 } },
  },
  gaussianDropout: {
    family: 'dense',
    readme: 'Gaussian dropout',
    demo: 'dense-dropout',
    backward: 'gaussianDropoutBackward',
    forms: { gaussianDropout: { optionsAt: 1 }, gaussianDropoutBackward: { optionsAt: 1 } },
  },
  fastDropout: {
    family: 'dense',
    readme: 'Fast dropout',
    demo: 'dense-bayes',
    backward: 'fastDropoutBackward',
    forms: { fastDropout: { optionsAt: 3 }, fastDropoutBackward: { optionsAt: 4 } },
  },
  variationalDense: {
    family: 'dense',
    readme: 'Variational dropout (local reparameterisation)',
    demo: 'dense-bayes',
    backward: 'variationalDenseBackward',
    forms: { variationalDense: { optionsAt: 4 }, variationalDenseBackward: { optionsAt: 5 } },
  },
  concreteDropout: {
    family: 'dense',
    readme: 'Concrete dropout',
    demo: 'dense-dropout',
    backward: 'concreteDropoutBackward',
    forms: { concreteDropout: { optionsAt: 2 }, concreteDropoutBackward: { optionsAt: 3 } },
  },
  alphaDropout: {
    family: 'dense',
    readme: 'AlphaDropout',
    demo: 'dense-dropout',
    backward: 'alphaDropoutBackward',
    forms: { alphaDropout: { optionsAt: 1 }, featureAlphaDropout: { optionsAt: 1 }, alphaDropoutBackward: { optionsAt: 1 } },
  },
  tfStatelessDropout: {
    family: 'dense',
    readme: 'TensorFlow-compatible stateless masks',
    demo: 'dense-dropout',
    backward: 'tfStatelessDropoutBackward',
    forms: { tfStatelessDropout: { optionsAt: 1 }, tfStatelessDropoutBackward: { optionsAt: 1 } },
  },
  maxPoolDropout: {
    family: 'conv',
    readme: 'Max-pooling dropout and probabilistic weighted pooling',
    demo: 'max-pool-dropout',
    backward: 'maxPoolDropoutBackward',
    forms: { maxPoolDropout: { optionsAt: 1 }, maxPoolDropoutBackward: { optionsAt: 2 } },
  },
  spatialDropout: {
    family: 'conv',
    readme: 'Spatial dropout',
    demo: 'spatial-dropout',
    backward: 'spatialDropoutBackward',
    forms: { spatialDropout: { optionsAt: 1 }, spatialDropoutBackward: { optionsAt: 1 } },
  },
  cutout: {
    family: 'conv',
    readme: 'Cutout',
    demo: 'cutout',
    backward: 'cutoutBackward',
    forms: { cutout: { optionsAt: 1 }, cutoutBackward: { optionsAt: 1 } },
  },
  maxDrop: {
    family: 'conv',
    readme: 'Max-Drop',
    demo: 'max-drop',
    backward: 'maxDropBackward',
    forms: { maxDrop: { optionsAt: 1 }, maxDropBackward: { optionsAt: 2 } },
  },
  stochasticDropout: {
    family: 'conv',
    readme: 'Stochastic dropout',
    demo: 'stochastic-dropout',
    backward: 'stochasticDropoutBackward',
    forms: { stochasticDropout: { optionsAt: 1 }, stochasticDropoutBackward: { optionsAt: 1 } },
  },
  dropBlock: {
    family: 'conv',
    readme: 'DropBlock',
    demo: 'dropblock',
    backward: 'dropBlockBackward',
    forms: { dropBlock: { optionsAt: 1 }, dropBlockBackward: { optionsAt: 1 } },
  },
  dropPath: {
    family: 'conv',
    readme: 'DropPath / stochastic depth',
    demo: 'droppath',
    backward: 'dropPathBackward',
    forms: { dropPath: { optionsAt: 2 }, dropPathBackward: { optionsAt: 1 } },
  },
  lstm: {
    family: 'recurrent',
    readme: 'Recurrent methods',
    demo: 'rnn-masks',
    backward: 'lstmBackward',
    forms: { lstm: { optionsAt: 2 }, lstmBackward: { optionsAt: 2 } },
  },
  gru: {
    family: 'recurrent',
    readme: 'Recurrent methods',
    demo: 'rnn-masks',
    backward: 'gruBackward',
    forms: { gru: { optionsAt: 2 }, gruBackward: { optionsAt: 2 } },
  },
  embeddingDropout: {
    family: 'recurrent',
    readme: 'Recurrent methods',
    demo: 'rnn-masks',
    backward: 'embeddingDropoutBackward',
    forms: { embeddingDropout: { optionsAt: 2 }, embeddingDropoutBackward: { optionsAt: 2 } },
  },
  mcPredict: {
    family: 'bayes',
    readme: 'Monte Carlo dropout',
    demo: 'mc-dropout',
    backward: null,
    forms: { mcPredict: { optionsAt: 2, async: 'local' } },
  },
  sbpNoise: {
    family: 'bayes',
    readme: 'Structured Bayesian pruning',
    demo: 'dense-bayes',
    backward: 'sbpNoiseBackward',
    forms: { sbpNoise: { optionsAt: 3 }, sbpNoiseBackward: { optionsAt: 4 } },
  },
} as const satisfies Record<string, MethodSpec>;

export type MethodName = keyof typeof METHODS;

/** The registered form `name` with its method, or undefined: the names the worker accepts. */
export function methodForm(name: string): (MethodForm & { method: MethodName }) | undefined {
  // a loop, not a table built at load: a bundle keeps no top-level call it cannot prove pure
  for (const method of Object.keys(METHODS) as MethodName[]) {
    const form = (METHODS[method] as MethodSpec).forms[name];
    if (form !== undefined && Object.hasOwn((METHODS[method] as MethodSpec).forms, name)) return { ...form, method };
  }
  return undefined;
}

/** Where form `name` takes its options; throws on a name that is not a registered form. */
export function optionsAt(name: string): number {
  const form = methodForm(name);
  if (form === undefined) throw new TypeError(`Expected a registered method form but received ${name}`);
  return form.optionsAt;
}
