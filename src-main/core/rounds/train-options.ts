import { RosasError } from '../errors';
import type { RosasOptions, Stopping } from '../model/rosas/types';
import { MAX_EPOCHS } from '../../../src-shared/limits';
import type { RoundMethod } from './store';

/**
 * What an analyst may ask of a training round, and the one check of it: the UI (api/validate.ts),
 * `rosas train` and trainRound itself all call checkTrainOptions, so a limit is stated once (the
 * epochs limit in src-shared/limits.ts, which the renderer's epochs field uses too).
 */

export type TrainMethod = 'auto' | RoundMethod;
export const TRAIN_METHODS: readonly TrainMethod[] = ['auto', 'rosas', 'iforest'];

/** The stopping rules an analyst may ask for (a number of epochs asks for `fixed`). */
export type RoundStopping = Exclude<Stopping, 'fixed'>;
export const ROUND_STOPPINGS: readonly RoundStopping[] = ['separation', 'cross-fit'];

export const MAX_SEED = 0xffffffff;

export interface TrainRoundOptions {
  /** Seed of every random draw (default 42): the same labels and seed give the same round. */
  seed?: number;
  /** RoSAS epochs, exactly (default: the engine's own stopping). Ignored by Isolation Forest. */
  epochs?: number;
  /**
   * How RoSAS decides its length when `epochs` is not given (default: the engine's, label-free);
   * `cross-fit` hides a third of the anomaly labels from each model to choose it (see Stopping).
   */
  stopping?: RoundStopping;
  /** auto (default): Isolation Forest without a labeled anomaly, else RoSAS. */
  method?: TrainMethod;
  /** How RoSAS uses records confirmed normal (default: as anchors). */
  normalsAs?: RosasOptions['normalsAs'];
  /** Learn from confirmed normals (default true); false is the simulation's baseline without it. */
  normalsFeedback?: boolean;
}

/** Options as they arrive from outside (a request, a command line): anything, to be checked. */
export type TrainOptionsInput = { [K in keyof TrainRoundOptions]?: unknown };

function describe(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : Array.isArray(v) ? 'a list' : v === null ? 'null' : typeof v === 'object' ? 'an object' : String(v);
}

/**
 * The options checked, with only the keys given (undefined ones dropped). Throws an
 * invalid-argument error naming the first bad option as `name` spells it (`--epochs` for the
 * CLI, the payload path for the API).
 */
export function checkTrainOptions(input: TrainOptionsInput, name: (option: keyof TrainRoundOptions) => string = (o) => o): TrainRoundOptions {
  const fail = (option: keyof TrainRoundOptions, what: string): never => {
    throw new RosasError('invalid-argument', `${name(option)} ${what}, got ${describe(input[option])}`);
  };
  const int = (option: 'seed' | 'epochs', min: number, max: number): number | undefined => {
    const v = input[option];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v)) fail(option, 'must be an integer');
    if ((v as number) < min || (v as number) > max) fail(option, `must be between ${min} and ${max}`);
    return v as number;
  };
  const oneOf = <T extends string>(option: 'method' | 'stopping', values: readonly T[], what: string): T | undefined => {
    const v = input[option];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) fail(option, `must be a known ${what} (${values.join(', ')})`);
    return v as T;
  };
  const out: TrainRoundOptions = {};
  const seed = int('seed', 0, MAX_SEED);
  const epochs = int('epochs', 1, MAX_EPOCHS);
  const method = oneOf('method', TRAIN_METHODS, 'training method');
  const stopping = oneOf('stopping', ROUND_STOPPINGS, 'stopping rule');
  if (seed !== undefined) out.seed = seed;
  if (epochs !== undefined) out.epochs = epochs;
  if (method !== undefined) out.method = method;
  if (stopping !== undefined) out.stopping = stopping;
  // Not asked of analysts (the simulation sets it): passed on as given.
  if (input.normalsAs !== undefined) out.normalsAs = input.normalsAs as RosasOptions['normalsAs'];
  if (input.normalsFeedback !== undefined) out.normalsFeedback = input.normalsFeedback !== false;
  return out;
}
