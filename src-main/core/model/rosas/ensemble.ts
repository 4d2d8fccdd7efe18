import type { LoadedTf } from '../backend';
import { canCrossFit, trainCrossFit } from './cross-fit';
import { trainMembersInThreads } from './threads';
import { rosasTopology } from './network';
import { trainRosasMember, type TrainControl } from './train';
import type { Matrix, MemberSetup, RosasOptions, TrainedModel, TrainLabels } from './types';

/** Seeds of ensemble members: far apart so their streams never overlap. */
const MEMBER_SEED_STEP = 7919;

/** How many members see centered inputs: `centeredMembers`, but never all of them. */
export function centeredCount(opts: Pick<RosasOptions, 'ensemble' | 'centeredMembers'>): number {
  return Math.min(opts.centeredMembers, opts.ensemble - 1);
}

/** Column means of a matrix: the offset of a centered member. */
export function columnMeans(data: Matrix): Float32Array {
  const sums = new Float64Array(data.dim);
  for (let i = 0; i < data.rows; i++) for (let c = 0; c < data.dim; c++) sums[c] += data.x[i * data.dim + c]!;
  return Float32Array.from(sums, (s) => s / Math.max(1, data.rows));
}

/** Each member's input offset: the column means for the last centeredCount members, else none. */
export function memberOffsets(data: Matrix, opts: Pick<RosasOptions, 'ensemble' | 'centeredMembers'>): Array<Float32Array | null> {
  const centered = centeredCount(opts);
  const means = centered > 0 ? columnMeans(data) : null;
  return Array.from({ length: opts.ensemble }, (_, m) => (m >= opts.ensemble - centered ? means : null));
}

/**
 * Trains `opts.ensemble` RoSAS models with different seeds; their scores are averaged when scoring
 * (one model when ensemble = 1, as the reference). Cross-fitted members train side by side, each
 * on its own folds of the labels; otherwise one after another on all of them.
 */
export async function trainRosas(loaded: LoadedTf, data: Matrix, labels: TrainLabels, opts: RosasOptions, ctl: TrainControl = {}): Promise<TrainedModel> {
  const started = performance.now();
  const offsets = memberOffsets(data, opts);
  const setups = offsets.map((offset, m): MemberSetup => ({ seed: (opts.seed + m * MEMBER_SEED_STEP) >>> 0, offset }));
  let members: TrainedModel[] = [];
  if (opts.stopping === 'cross-fit' && canCrossFit(labels, opts)) {
    members = await trainCrossFit(loaded, data, labels, opts, setups, ctl);
  } else {
    // Too few labels to hide any: label-free stopping instead.
    const each = opts.stopping === 'cross-fit' ? { ...opts, stopping: 'separation' as const } : opts;
    const threads = ctl.onEpoch ? 1 : Math.min(ctl.threads ?? 1, opts.ensemble);
    if (threads > 1) members = await trainMembersInThreads(loaded, data, labels, each, setups, threads, ctl);
    else for (const [m, s] of setups.entries()) members.push(await trainRosasMember(loaded, data, labels, { ...each, seed: s.seed }, ctl, m, s.offset));
  }
  if (members.length === 1) return members[0]!;
  const weights = new Float32Array(members.reduce((n, m) => n + m.weights.length, 0));
  let o = 0;
  for (const m of members) {
    weights.set(m.weights, o);
    o += m.weights.length;
  }
  return {
    topology: {
      ...rosasTopology(data.dim, opts.embedding),
      members: members.length,
      ...(offsets.some(Boolean) ? { inputOffsets: offsets.map((o) => (o ? Array.from(o) : null)) } : {}),
    },
    weights,
    history: members.flatMap((m) => m.history),
    epochs: members.flatMap((m) => m.epochs),
    backend: loaded.backend,
    trainSeconds: (performance.now() - started) / 1000,
    steps: members.reduce((s, m) => s + m.steps, 0),
    ...(members[0]!.validation ? { validation: members[0]!.validation } : {}),
  };
}
