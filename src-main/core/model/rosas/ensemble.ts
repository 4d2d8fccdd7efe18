import type { LoadedTf } from '../backend';
import { canCrossFit, trainCrossFit } from './cross-fit';
import { trainMembersInThreads } from './threads';
import { trainRosasMember, type TrainControl } from './train';
import type { Matrix, RosasOptions, TrainedModel, TrainLabels } from './types';

/** Seeds of ensemble members: far apart so their streams never overlap. */
const MEMBER_SEED_STEP = 7919;

/**
 * Trains `opts.ensemble` RoSAS models with different seeds; their scores are averaged when scoring
 * (one model when ensemble = 1, as the reference). Cross-fitted members train side by side, each
 * on its own folds of the labels; otherwise one after another on all of them.
 */
export async function trainRosas(loaded: LoadedTf, data: Matrix, labels: TrainLabels, opts: RosasOptions, ctl: TrainControl = {}): Promise<TrainedModel> {
  const started = performance.now();
  const seeds = Array.from({ length: opts.ensemble }, (_, m) => (opts.seed + m * MEMBER_SEED_STEP) >>> 0);
  let members: TrainedModel[] = [];
  if (opts.stopping === 'cross-fit' && canCrossFit(labels, opts)) {
    members = await trainCrossFit(loaded, data, labels, opts, seeds, ctl);
  } else {
    // Too few labels to hide any: label-free stopping instead.
    const each = opts.stopping === 'cross-fit' ? { ...opts, stopping: 'separation' as const } : opts;
    const threads = ctl.onEpoch ? 1 : Math.min(ctl.threads ?? 1, opts.ensemble);
    if (threads > 1) members = await trainMembersInThreads(loaded, data, labels, each, seeds, threads, ctl);
    else for (let m = 0; m < opts.ensemble; m++) members.push(await trainRosasMember(loaded, data, labels, { ...each, seed: seeds[m]! }, ctl, m));
  }
  if (members.length === 1) return members[0]!;
  const weights = new Float32Array(members.reduce((n, m) => n + m.weights.length, 0));
  let o = 0;
  for (const m of members) {
    weights.set(m.weights, o);
    o += m.weights.length;
  }
  return {
    topology: { ...members[0]!.topology, members: members.length },
    weights,
    history: members.flatMap((m) => m.history),
    epochs: members.flatMap((m) => m.epochs),
    backend: loaded.backend,
    trainSeconds: (performance.now() - started) / 1000,
    steps: members.reduce((s, m) => s + m.steps, 0),
    ...(members[0]!.validation ? { validation: members[0]!.validation } : {}),
  };
}
