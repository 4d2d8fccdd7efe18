import type { LoadedTf } from '../backend';
import { trainRosasMember, type TrainControl } from './train';
import type { Matrix, RosasOptions, TrainedModel, TrainLabels } from './types';

/** Seeds of ensemble members: far apart so their streams never overlap. */
const MEMBER_SEED_STEP = 7919;

/**
 * Trains `opts.ensemble` RoSAS models with different seeds on the same data and labels; their
 * scores are averaged when scoring (one model when ensemble = 1, as the reference).
 */
export async function trainRosas(loaded: LoadedTf, data: Matrix, labels: TrainLabels, opts: RosasOptions, ctl: TrainControl = {}): Promise<TrainedModel> {
  const members: TrainedModel[] = [];
  for (let m = 0; m < opts.ensemble; m++) {
    members.push(await trainRosasMember(loaded, data, labels, { ...opts, seed: (opts.seed + m * MEMBER_SEED_STEP) >>> 0 }, ctl, m));
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
    trainSeconds: members.reduce((s, m) => s + m.trainSeconds, 0),
    steps: members.reduce((s, m) => s + m.steps, 0),
  };
}
