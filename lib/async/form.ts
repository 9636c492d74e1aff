// The Promise twin of a registered method form (lib/methods/registry.ts): each method file
// defines its twins with callForm, as plain arrow functions (nothing runs at load), so a bundle
// drops the forms, and the methods behind them, that an application never uses. A twin's name is
// its sync form's name + 'Async': a worker runs the API function of the registered name.
import { CloneHooks, callAsync } from './call';
import { optionsAt } from '../methods/registry';

/** The async form of F: the same arguments, a Promise of the same result. */
export type Async<F extends (...args: never[]) => unknown> = (...args: Parameters<F>) => Promise<ReturnType<F>>;

/** Runs the registered form `name` off-thread (see call.ts); its options position comes from the registry. */
export const callForm = <R>(name: string, fn: (...args: never[]) => unknown, args: unknown[], hooks?: CloneHooks): Promise<R> =>
  callAsync({ name, fn, optionsAt: optionsAt(name), ...hooks }, args);
