// The public shapes of a simulation (`rosas simulate`): its options, progress reports and result,
// re-exported by simulate.ts.
import type { ImportProgress } from '../ingest/import';
import type { FormatName } from '../ingest/types';
import type { RosasOptions } from '../model/rosas/types';
import type { TrainRoundProgress } from '../rounds/train-round';

export interface SimulateOptions {
  labelColumn: string;
  format?: FormatName;
  /** Values of the label column that mean normal (the import's --normal-values). */
  normalValues?: string[];
  /** Review rounds (default SIMULATE_DEFAULTS.rounds). */
  rounds?: number;
  /** Actions per round, K (default SIMULATE_DEFAULTS.perRound): records, or groups with `group`. */
  perRound?: number;
  /**
   * One action labels a whole group of near-duplicates (the round's groups, rounds/groups.ts)
   * with the group's majority truth, as an analyst who expands it; default: one record per action.
   */
  group?: boolean;
  /**
   * Share of anomalies among the records, in (0, 1): every normal record is kept with a seeded
   * sample of the anomalies, and the other anomalies are deleted from the project after the
   * import. Default: the file's records as they are, none deleted.
   */
  anomalyRate?: number;
  /** Seed of the anomaly sample, the random baseline and every round (default SIMULATE_DEFAULTS.seed). */
  seed?: number;
  /** RoSAS epochs, exactly (default: the engine's label-free stopping). */
  epochs?: number;
  /** How RoSAS uses confirmed normals (default: the engine's, as anchors). */
  normalsAs?: RosasOptions['normalsAs'];
  /** Keep the project at this (new) path instead of a temporary one. */
  keepProject?: string;
}

/** The two review loops of a simulation: the baseline without normals' feedback runs first. */
export type SimulatedLoop = 'no_normals' | 'main';

export interface SimulateProgress {
  stage: 'import' | 'sampling' | 'training' | 'review';
  /** The loop being run (training and review stages). */
  loop?: SimulatedLoop;
  /** Model round being trained or reviewed (0 = cold start). */
  round?: number;
  rounds?: number;
  import?: ImportProgress;
  training?: TrainRoundProgress;
}

/** One trained model of the loop. */
export interface SimulatedModel {
  /** 0 = the cold start; r = trained after the r-th review. */
  round: number;
  /** The round's number in the project (`rosas top --round`). */
  project_round: number;
  method: 'rosas' | 'iforest';
  train_seconds: number;
  /** The whole round: snapshot, training, scoring, feedback, review order, saving. */
  round_seconds: number;
  /** Feedback from the labels and the review order (the round's params), null if not recorded. */
  feedback_seconds: number | null;
  labeled_anomalies: number;
  labeled_normals: number;
  /** Ranking quality over the records still unlabeled when it was trained (null: one class only). */
  auc_pr_unlabeled: number | null;
  auc_roc_unlabeled: number | null;
}

/** One review: the first K actions down the review order of model `round`. */
export interface SimulatedRound extends SimulatedModel {
  /** Actions in this review (K, fewer when the unlabeled records run out). */
  actions: number;
  /** Records labeled in this review (= actions, unless a group action labels several). */
  reviewed: number;
  /** True anomalies labeled anomaly in this review. */
  new_anomalies: number;
  /** True anomalies found so far (labeled anomaly), after this review. */
  found: number;
  /** new_anomalies / reviewed (null when nothing was left to review). */
  precision_at_k: number | null;
}

/** A curve of true anomalies found: after each review, and after each action. */
export interface FoundCurve {
  /** After each review (the main loop's action counts `actions[i]`). */
  found: number[];
  /** Element i: after i + 1 actions. */
  found_by_action: number[];
}

export interface OrderBaseline extends FoundCurve {
  /** 1-based action at which the first true anomaly came up; null if none did. */
  first_anomaly_action: number | null;
}

/** The same loop without learning from confirmed normals. */
export interface NoNormalsBaseline extends OrderBaseline {
  actions: number[];
  reviewed: number[];
  records_labeled: number;
  anomaly_groups_found: number;
}

export interface SimulateResult {
  file: string;
  format: string;
  label_column: string;
  /** Records simulated on (after sampling) and the true anomalies among them. */
  records: number;
  anomalies_total: number;
  /** The file's records and anomalies before sampling, and the anomalies deleted by it. */
  file_records: number;
  file_anomalies: number;
  dropped_anomalies: number;
  anomaly_rate: number | null;
  anomaly_share: number;
  rounds: number;
  /** Actions per review, K. */
  per_round: number;
  /** What one action is: one record, or one group of near-duplicates (--group). */
  mode: 'record' | 'group';
  seed: number;
  /** RoSAS epochs per RoSAS round; null: the engine's label-free stopping. */
  epochs: number | null;
  normals_as: RosasOptions['normalsAs'];
  /** Records labeled so far after each review (index 0 = after the first). */
  reviewed: number[];
  /** Actions so far after each review. */
  actions: number[];
  /** True anomalies found (labeled anomaly) so far after each review. */
  found: number[];
  /** True anomalies found so far after each action (element i: after i + 1 actions). */
  found_by_action: number[];
  /** 1-based action at which a true anomaly was first labeled anomaly; null if never. */
  first_anomaly_action: number | null;
  records_labeled: number;
  /** Distinct groups (the cold start round's) among the true anomalies found, and among all. */
  anomaly_groups_found: number;
  anomaly_groups_total: number;
  /** Labels that disagree with the truth (only group actions make them: a group's majority). */
  mislabeled: { anomalies_as_normal: number; normals_as_anomaly: number };
  /**
   * On the same records, after the same number of actions (`found[i]` after `actions[i]`).
   * iforest, random and ideal take one record per action, in group mode too.
   */
  baselines: {
    /** The cold start round's Isolation Forest scores, never retrained. */
    iforest: OrderBaseline;
    random: OrderBaseline;
    /** Every action an anomaly while any is left: min(actions, anomalies_total). */
    ideal: FoundCurve;
    no_normals: NoNormalsBaseline;
  };
  rounds_detail: SimulatedRound[];
  /** The model trained after the last review (not reviewed). */
  final: SimulatedModel;
  backend: string;
  /** Where the project was kept, or null (deleted). */
  project: string | null;
  seconds: number;
  warnings: string[];
}
