// The figures and tables of `npm run bench:hitl` (bench-hitl.ts), apart from the runs themselves so
// that a test can check them on a small simulation. Every value is the mean over the seeds run.
import type { SimulateResult } from '../../src-main/core/bench/simulate';

/** A set of inputs printed as one table. */
export type HitlGroup = 'samples' | 'hitl' | 'datasets';

/** What the issue asks of the loop on a log (issue 12, §3). */
export const TARGET = {
  /** Found after this many actions… */
  actions: 100,
  /** …at least this share of the ideal, */
  idealFloor: 0.5,
  /** …and at least twice Isolation Forest alone, up to this share of the ideal. */
  idealCap: 0.9,
  ifFactor: 2,
  /** The first anomaly within this many actions, on logs with at least this share of anomalies. */
  firstWithin: 20,
  firstShare: 0.01,
} as const;

export type Verdict = 'pass' | 'FAIL' | null;

/** One input in one mode, over its seeds. */
export interface HitlRow {
  group: HitlGroup;
  file: string;
  mode: 'record' | 'group';
  seeds: number[];
  records: number;
  anomalies: number;
  anomaly_share: number;
  /** Action counts the curves are read at; the last one is where ideal and the baselines are read. */
  checkpoints: number[];
  /** Found by the loop after each checkpoint's actions. */
  found: number[];
  /** At the last checkpoint. */
  ideal: number;
  iforest: number;
  no_normals: number;
  random: number;
  /** Mean over the seeds that found one; `never`: seeds that found none. */
  first_anomaly_action: number | null;
  first_anomaly_never: number;
  no_normals_first_anomaly_action: number | null;
  anomaly_groups_found: number;
  anomaly_groups_total: number;
  records_labeled: number;
  /** Actions actually taken (fewer than asked when the records ran out). */
  actions: number;
  /** Mean over every round trained by the main loop (cold start and final included). */
  round_seconds: number;
  feedback_seconds: number | null;
  /** Whether the issue's targets are met (logs only; null where a target does not apply). */
  target_found: Verdict;
  target_first: Verdict;
  /** Group mode: found per action not below the same log's record mode. */
  target_group: Verdict;
}

const mean = (v: number[]) => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN);

/** Found after `n` actions of a per-action curve (its last value past its end). */
export function foundAfter(curve: number[], n: number): number {
  return n <= 0 || curve.length === 0 ? 0 : curve[Math.min(n, curve.length) - 1]!;
}

/** The mean row of one input and mode over its seeds' results (targets not yet judged). */
export function summarize(group: HitlGroup, file: string, runs: SimulateResult[], checkpoints: number[]): HitlRow {
  if (!runs.length) throw new Error(`no run of ${file} to summarize`);
  const last = checkpoints[checkpoints.length - 1]!;
  const at = (pick: (r: SimulateResult) => number[], n: number) => mean(runs.map((r) => foundAfter(pick(r), n)));
  const firsts = runs.map((r) => r.first_anomaly_action).filter((n): n is number => n !== null);
  const nnFirsts = runs.map((r) => r.baselines.no_normals.first_anomaly_action).filter((n): n is number => n !== null);
  const models = runs.flatMap((r) => [...r.rounds_detail, r.final]);
  const feedback = models.map((m) => m.feedback_seconds).filter((s): s is number => s !== null);
  return {
    group,
    file,
    mode: runs[0]!.mode,
    seeds: runs.map((r) => r.seed),
    records: mean(runs.map((r) => r.records)),
    anomalies: mean(runs.map((r) => r.anomalies_total)),
    anomaly_share: mean(runs.map((r) => r.anomaly_share)),
    checkpoints,
    found: checkpoints.map((n) => at((r) => r.found_by_action, n)),
    ideal: at((r) => r.baselines.ideal.found_by_action, last),
    iforest: at((r) => r.baselines.iforest.found_by_action, last),
    no_normals: at((r) => r.baselines.no_normals.found_by_action, last),
    random: at((r) => r.baselines.random.found_by_action, last),
    first_anomaly_action: firsts.length ? mean(firsts) : null,
    first_anomaly_never: runs.length - firsts.length,
    no_normals_first_anomaly_action: nnFirsts.length ? mean(nnFirsts) : null,
    anomaly_groups_found: mean(runs.map((r) => r.anomaly_groups_found)),
    anomaly_groups_total: mean(runs.map((r) => r.anomaly_groups_total)),
    records_labeled: mean(runs.map((r) => r.records_labeled)),
    actions: mean(runs.map((r) => r.found_by_action.length)),
    round_seconds: mean(models.map((m) => m.round_seconds)),
    feedback_seconds: feedback.length ? mean(feedback) : null,
    target_found: null,
    target_first: null,
    target_group: null,
  };
}

/** Found by the loop at TARGET.actions (the last checkpoint when it is earlier). */
function foundAtTarget(row: HitlRow): number {
  const i = row.checkpoints.indexOf(TARGET.actions);
  return row.found[i >= 0 ? i : row.found.length - 1]!;
}

/** The bar of the found target: max(50 % of ideal, min(90 % of ideal, 2 × Isolation Forest alone)). */
export function foundBar(ideal: number, iforest: number): number {
  return Math.max(TARGET.idealFloor * ideal, Math.min(TARGET.idealCap * ideal, TARGET.ifFactor * iforest));
}

/**
 * Judges the issue's targets on a log's row: found after 100 actions against foundBar, the first
 * anomaly within 20 actions on every seed (logs with ≥ 1 % anomalies), and in group mode found per
 * action not below the record mode's row of the same log (`ungrouped`, when run).
 */
export function judge(row: HitlRow, ungrouped?: HitlRow): HitlRow {
  const verdict = (ok: boolean): Verdict => (ok ? 'pass' : 'FAIL');
  const perAction = (r: HitlRow) => (r.actions > 0 ? foundAtTarget(r) / Math.min(r.actions, TARGET.actions) : 0);
  return {
    ...row,
    target_found: verdict(foundAtTarget(row) >= foundBar(row.ideal, row.iforest)),
    target_first:
      row.anomaly_share >= TARGET.firstShare ? verdict(row.first_anomaly_never === 0 && row.first_anomaly_action !== null && row.first_anomaly_action <= TARGET.firstWithin) : null,
    target_group: row.mode === 'group' && ungrouped ? verdict(perAction(row) >= perAction(ungrouped) - 1e-9) : null,
  };
}

const num = (v: number | null, digits = 1) => (v === null || !Number.isFinite(v) ? '–' : Number.isInteger(v) ? String(v) : v.toFixed(digits));

/** A Markdown table of rows sharing their checkpoints; `targets` adds the issue's verdicts. */
export function renderTable(title: string, rows: HitlRow[], targets: boolean): string[] {
  if (!rows.length) return [`### ${title}`, '', '(nothing run)'];
  const cps = rows[0]!.checkpoints;
  const last = cps[cps.length - 1]!;
  const head = [
    'file',
    'mode',
    'records',
    'anomalies',
    ...cps.map((n) => `found@${n}`),
    `ideal@${last}`,
    `IF only@${last}`,
    `no normals@${last}`,
    `random@${last}`,
    'first anomaly (action)',
    'anomaly groups found/total',
    'records labeled',
    'round s',
    'feedback s',
    ...(targets ? [`found@${TARGET.actions} target`, `first ≤ ${TARGET.firstWithin}`, 'group ≥ record'] : []),
  ];
  const first = (r: HitlRow) => (r.first_anomaly_action === null ? 'never' : `${num(r.first_anomaly_action)}${r.first_anomaly_never ? ` (${r.first_anomaly_never} never)` : ''}`);
  const lines = [`### ${title}`, '', `| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const r of rows) {
    const cells = [
      r.file,
      r.mode,
      num(r.records, 0),
      `${num(r.anomalies, 0)} (${(100 * r.anomaly_share).toFixed(1)} %)`,
      ...r.found.map((v) => num(v)),
      num(r.ideal),
      num(r.iforest),
      num(r.no_normals),
      num(r.random),
      first(r),
      `${num(r.anomaly_groups_found)}/${num(r.anomaly_groups_total)}`,
      num(r.records_labeled, 0),
      num(r.round_seconds, 2),
      num(r.feedback_seconds, 3),
      ...(targets ? [r.target_found ?? '–', r.target_first ?? '–', r.target_group ?? '–'] : []),
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines;
}
