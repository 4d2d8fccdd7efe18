import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SimulateResult } from '../../src-main/core/bench/simulate';
import { openProject } from '../../src-main/core/project/project';
import { rankByScore, roundScores } from '../../src-main/core/rounds/ranking';
import { judge, renderTable, summarize } from '../bench/hitl-report';
import { runRosas } from '../helpers/cli';
import { samplePath, tempDir, writeTemp } from '../helpers/samples';

const CONN = 'zeek-tsv/ctu-normal-40-day1.conn.log.labeled';
const ARGS = ['--label-column', 'label', '--anomaly-rate', '0.05', '--rounds', '2', '--per-round', '20', '--epochs', '3'];

/** Runs the CLI with its own TMPDIR, so what it leaves behind there can be checked. */
function rosas(tmp: string, ...args: string[]) {
  return runRosas(args, { ...process.env, TMPDIR: tmp });
}

function simulate(tmp: string, ...extra: string[]) {
  const r = rosas(tmp, 'simulate', samplePath(CONN), ...ARGS, ...extra, '--json');
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

const nonDecreasing = (v: number[]) => v.every((x, i) => i === 0 || x >= v[i - 1]!);

/** Everything but the timings, which differ from run to run. */
function outcome(o: { found: number[]; reviewed: number[]; actions: number[]; found_by_action: number[]; baselines: unknown; rounds_detail: Array<Record<string, unknown>>; final: Record<string, unknown> }) {
  const strip = ({ train_seconds: _t, round_seconds: _r, feedback_seconds: _f, ...rest }: Record<string, unknown>) => rest;
  return { found: o.found, reviewed: o.reviewed, actions: o.actions, by_action: o.found_by_action, baselines: o.baselines, detail: o.rounds_detail.map(strip), final: strip(o.final) };
}

/** The true anomalies found after each action when reviewing `order` one record per action. */
function curveOf(order: ArrayLike<number>, truth: (id: number) => number, actions: number): number[] {
  const out: number[] = [];
  let n = 0;
  for (let i = 0; i < Math.min(actions, order.length); i++) out.push((n += truth(order[i]!)));
  return out;
}

/**
 * A BGL-shaped log (loghub-alert) where groups are obvious: 800 normal lines of 4 message kinds
 * on 8 nodes (32 groups of 25), and 4 alert kinds on one node each, 8 lines apiece (32 anomalies
 * in 4 groups: a group is a template with its node).
 */
function groupedLog(): string {
  const nodes = Array.from({ length: 8 }, (_, i) => `R0${i}-M1-N${i % 4}-C:J1${i}-U11`);
  const normal = [
    () => 'RAS KERNEL INFO instruction cache parity error corrected',
    (n: number) => `RAS KERNEL INFO generating core.${n}`,
    (n: number) => `RAS APP INFO ciod: Message code ${n % 7} is not 51 or 42`,
    (n: number) => `RAS KERNEL INFO CE sym ${n % 32}, at 0x${(n * 4096).toString(16).padStart(8, '0')}, mask 0x${(n % 256).toString(16)}`,
  ];
  const alerts: Array<[string, number, string]> = [
    ['KERNDTLB', 1, 'RAS KERNEL FATAL data TLB error interrupt'],
    ['KERNSTOR', 6, 'RAS KERNEL FATAL data storage interrupt'],
    ['APPSEV', 2, 'RAS APP FATAL ciod: Error reading message prefix after LOGIN_MESSAGE on CioStream socket'],
    ['KERNMNTF', 5, 'RAS KERNEL FATAL Lustre mount FAILED : bglio11 : block_id : location'],
  ];
  const lines: string[] = [];
  let t = 1117838570;
  const line = (tag: string, node: string, text: string) => {
    t += 7;
    const d = new Date(t * 1000).toISOString();
    const stamp = `${d.slice(0, 10)}-${d.slice(11, 13)}.${d.slice(14, 16)}.${d.slice(17, 19)}.000000`;
    lines.push(`${tag} ${t} ${d.slice(0, 10).replaceAll('-', '.')} ${node} ${stamp} ${node} ${text}`);
  };
  for (let i = 0; i < 800; i++) {
    line('-', nodes[i % 8]!, normal[Math.floor(i / 8) % 4]!(i));
    if (i % 25 === 12) {
      const [tag, node, text] = alerts[Math.floor(i / 25) % 4]!;
      line(tag, nodes[node]!, text);
    }
  }
  return `${lines.join('\n')}\n`;
}

describe('rosas simulate (the JSON contract other tools read)', () => {
  it('a simulated analyst on the CTU sample: contract, curves, baselines, determinism, cleanup', () => {
    const tmp = tempDir('rosas-sim-tmp-');
    const out = simulate(tmp);

    // 1462 normals kept; round(1462 · 0.05 / 0.95) = 77 of the 4201 anomalies.
    expect(out).toMatchObject({
      file: samplePath(CONN),
      format: 'zeek-tsv',
      records: 1539,
      anomalies_total: 77,
      file_records: 5663,
      file_anomalies: 4201,
      dropped_anomalies: 4124,
      anomaly_rate: 0.05,
      rounds: 2,
      per_round: 20,
      seed: 42,
      epochs: 3,
      project: null,
    });
    expect(out.anomaly_share).toBeCloseTo(0.05, 3);
    expect(out.reviewed).toEqual([20, 40]);
    expect(out.found).toHaveLength(2);
    expect(nonDecreasing(out.found)).toBe(true);
    out.found.forEach((f: number, i: number) => {
      expect(f).toBeGreaterThanOrEqual(0);
      expect(f).toBeLessThanOrEqual(out.reviewed[i]);
      expect(f).toBeLessThanOrEqual(out.anomalies_total);
    });
    for (const name of ['iforest', 'random', 'ideal']) {
      const curve: number[] = out.baselines[name].found;
      expect(curve, name).toHaveLength(2);
      expect(nonDecreasing(curve), name).toBe(true);
      curve.forEach((f, i) => expect(f).toBeLessThanOrEqual(out.reviewed[i]));
    }
    expect(out.baselines.ideal.found).toEqual([20, 40]);

    // Measured per action: one record per action without --group.
    expect(out).toMatchObject({ mode: 'record', actions: [20, 40], records_labeled: 40, mislabeled: { anomalies_as_normal: 0, normals_as_anomaly: 0 } });
    expect(out.found_by_action).toHaveLength(40);
    expect(nonDecreasing(out.found_by_action)).toBe(true);
    expect([out.found_by_action[19], out.found_by_action[39]]).toEqual(out.found);
    const first = out.found_by_action.findIndex((n: number) => n > 0);
    expect(out.first_anomaly_action).toBe(first < 0 ? null : first + 1);
    expect(out.anomaly_groups_total).toBeGreaterThan(0);
    expect(out.anomaly_groups_total).toBeLessThanOrEqual(77);
    expect(out.anomaly_groups_found).toBeLessThanOrEqual(Math.min(out.anomaly_groups_total, out.found[1]));
    expect(out.anomaly_groups_found > 0).toBe(out.found[1] > 0);
    for (const name of ['iforest', 'random', 'ideal']) {
      expect(out.baselines[name].found_by_action, name).toHaveLength(40);
      expect([out.baselines[name].found_by_action[19], out.baselines[name].found_by_action[39]], name).toEqual(out.baselines[name].found);
    }
    // The loop without normals' feedback: run first on the same records, same actions.
    const nn = out.baselines.no_normals;
    expect(nn).toMatchObject({ actions: [20, 40], reviewed: [20, 40], records_labeled: 40 });
    expect(nn.found).toHaveLength(2);
    expect(nonDecreasing(nn.found)).toBe(true);
    expect(nn.found_by_action).toHaveLength(40);
    expect(nn.first_anomaly_action === null || nn.first_anomaly_action >= 1).toBe(true);
    // Same cold start: the first review is the same in both loops.
    expect(nn.found[0]).toBe(out.found[0]);

    expect(out.rounds_detail).toHaveLength(2);
    const [r0, r1] = out.rounds_detail;
    expect(r0).toMatchObject({ round: 0, project_round: 1, method: 'iforest', labeled_anomalies: 0, labeled_normals: 0, reviewed: 20, found: out.found[0] });
    expect(r1).toMatchObject({ round: 1, project_round: 2, labeled_anomalies: out.found[0], labeled_normals: 20 - out.found[0], reviewed: 20, found: out.found[1] });
    // RoSAS once an anomaly is labeled, Isolation Forest while none is.
    expect(r1.method).toBe(out.found[0] > 0 ? 'rosas' : 'iforest');
    for (const d of [...out.rounds_detail, out.final]) {
      expect(d.round_seconds).toBeGreaterThanOrEqual(d.train_seconds);
      expect(d.feedback_seconds).toBeTypeOf('number');
      expect(d.feedback_seconds).toBeLessThanOrEqual(d.round_seconds);
    }
    for (const d of out.rounds_detail) {
      expect(d.actions).toBe(20);
      expect(d.train_seconds).toBeTypeOf('number');
      expect(d.precision_at_k).toBe(d.new_anomalies / d.reviewed);
      expect(d.precision_at_k).toBeGreaterThanOrEqual(0);
      expect(d.precision_at_k).toBeLessThanOrEqual(1);
    }
    expect(out.final).toMatchObject({ round: 2, project_round: 3, labeled_anomalies: out.found[1], labeled_normals: 40 - out.found[1] });

    // The temporary project is gone.
    expect(fs.readdirSync(tmp)).toEqual([]);

    // Same seed, same simulation; and --keep-project keeps a project that says so.
    const kept = path.join(tempDir(), 'kept.rosas');
    const again = simulate(tmp, '--keep-project', kept);
    expect(outcome(again)).toEqual(outcome(out));
    expect(again.project).toBe(kept);
    expect(fs.readdirSync(tmp)).toEqual([]);
    // The kept project holds the main loop only: the no-normals loop's labels, history and rounds are gone.
    const info = JSON.parse(rosas(tmp, 'info', kept, '--json').stdout);
    expect(info).toMatchObject({ records: 1539, rounds: 3, labels: { anomaly: out.found[1], normal: 40 - out.found[1] } });
    const p = openProject(kept, { readonly: true });
    try {
      expect(p.db.prepare('SELECT count(*) AS n FROM label_history').get()).toEqual({ n: 40 });
      expect(p.db.prepare('SELECT count(*) AS n FROM round_labels').get()).toEqual({ n: 20 + 40 });
      // The Isolation Forest baseline is the cold start's scores in order, not its review queue.
      const truth = new Map((p.db.prepare('SELECT id, truth FROM records').raw(true).all() as Array<[number, number | null]>).map(([id, t]) => [id, t ?? 0]));
      const byScore = curveOf(rankByScore(roundScores(p.db, 1)), (id) => truth.get(id)!, 40);
      expect(out.baselines.iforest.found_by_action).toEqual(byScore);
    } finally {
      p.close();
    }
    expect(rosas(tmp, 'simulate', samplePath(CONN), ...ARGS, '--keep-project', kept).stderr).toMatch(/already exists/);
  });

  it('prints the curves as a table', () => {
    const tmp = tempDir('rosas-sim-tmp-');
    const r = rosas(tmp, 'simulate', samplePath(CONN), '--label-column', 'label', '--anomaly-rate', '0.05', '--rounds', '1', '--per-round', '10', '--epochs', '1');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/1,539 records, 77 true anomalies/);
    expect(r.stdout).toMatch(/^round\s+model\s+actions\s+reviewed\s+found\s+precision@K\s+no normals\s+IF no retrain\s+random\s+ideal\s+train s\s+round s$/m);
    expect(r.stdout).toMatch(/^1\s+iforest \(round 0\)\s+10\s+10\s/m);
    expect(r.stdout).toMatch(/^first anomaly found: (action \d+|never) \(without normals' feedback: (action \d+|never), Isolation Forest: (action \d+|never)\)$/m);
    expect(r.stdout).toMatch(/^anomaly groups found: \d+ of \d+; 10 records labeled in 10 actions$/m);
    expect(fs.readdirSync(tmp)).toEqual([]);
  });

  it('--group: one action labels a whole group of near-duplicates; bench:hitl\'s tables read the results', () => {
    const tmp = tempDir('rosas-sim-tmp-');
    const file = writeTemp('grouped-bgl.log', groupedLog());
    const run = (...extra: string[]): SimulateResult => {
      const r = rosas(tmp, 'simulate', file, '--format', 'loghub-alert', '--label-column', 'alert', '--rounds', '2', '--per-round', '5', '--epochs', '3', ...extra, '--json');
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as SimulateResult;
    };
    const byRecord = run();
    const byGroup = run('--group');
    expect(fs.readdirSync(tmp)).toEqual([]);

    expect(byRecord).toMatchObject({ records: 832, anomalies_total: 32, mode: 'record', actions: [5, 10], reviewed: [5, 10], records_labeled: 10, anomaly_groups_total: 4 });
    expect(byGroup).toMatchObject({ records: 832, anomalies_total: 32, mode: 'group', per_round: 5, actions: [5, 10], anomaly_groups_total: 4 });
    // Every action labels a whole group (25 normal or 8 anomalous lines), each of one truth here.
    expect(byGroup.mislabeled).toEqual({ anomalies_as_normal: 0, normals_as_anomaly: 0 });
    expect(byGroup.records_labeled).toBe(byGroup.reviewed[1]);
    expect(byGroup.reviewed[0]).toBeGreaterThanOrEqual(5 * 8);
    for (const d of byGroup.rounds_detail) {
      expect(d.actions).toBe(5);
      expect(d.reviewed).toBeGreaterThanOrEqual(5 * 8);
    }
    expect(byGroup.found_by_action).toHaveLength(10);
    byGroup.found_by_action.forEach((n, i) => expect((n - (byGroup.found_by_action[i - 1] ?? 0)) % 8, `action ${i + 1}`).toBe(0));
    expect(byGroup.anomaly_groups_found).toBe(byGroup.found[1]! / 8);
    // The baselines stay one record per action, after the same number of actions.
    expect(byGroup.baselines.ideal.found).toEqual([5, 10]);
    expect(byGroup.baselines.iforest.found).toEqual(byRecord.baselines.iforest.found);
    expect(byGroup.baselines.random.found).toEqual(byRecord.baselines.random.found);
    expect(byGroup.baselines.no_normals).toMatchObject({ actions: [5, 10] });
    expect(byGroup.baselines.no_normals.records_labeled).toBeGreaterThanOrEqual(10 * 8);
    // Groups of obvious near-duplicates: a group action finds at least as much as a record action.
    expect(byGroup.found[1]).toBeGreaterThanOrEqual(byRecord.found[1]!);

    // bench:hitl's rows, targets and table on these two runs.
    const rec = judge(summarize('hitl', 'grouped-bgl.log', [byRecord], [5, 10]));
    const grp = judge(summarize('hitl', 'grouped-bgl.log', [byGroup], [5, 10]), rec);
    expect(rec).toMatchObject({ mode: 'record', records: 832, anomalies: 32, found: byRecord.found, ideal: 10, iforest: byRecord.baselines.iforest.found[1], target_group: null });
    expect(grp).toMatchObject({ mode: 'group', found: byGroup.found, records_labeled: byGroup.records_labeled, anomaly_groups_total: 4, target_group: 'pass' });
    expect(grp.round_seconds).toBeGreaterThan(0);
    expect(grp.feedback_seconds).toBeTypeOf('number');
    // The bar: max(50 % of ideal, min(90 % of ideal, 2 × Isolation Forest alone)).
    const bar = Math.max(5, Math.min(9, 2 * rec.iforest));
    expect(rec.target_found).toBe(rec.found[1]! >= bar ? 'pass' : 'FAIL');
    expect(rec.target_first).toBe(byRecord.first_anomaly_action !== null && byRecord.first_anomaly_action <= 20 ? 'pass' : 'FAIL');
    const lines = renderTable('grouped', [rec, grp], true);
    expect(lines).toHaveLength(6);
    expect(lines[2]).toMatch(/^\| file \| mode \| records \| anomalies \| found@5 \| found@10 \| ideal@10 \| IF only@10 \| no normals@10 \| random@10 \| first anomaly \(action\) \| anomaly groups found\/total \| .* \| group ≥ record \|$/);
    expect(lines[5]).toMatch(new RegExp(`^\\| grouped-bgl\\.log \\| group \\| 832 \\| 32 \\(3\\.8 %\\) \\| ${byGroup.found[0]} \\| ${byGroup.found[1]} \\| 10 \\| .*\\| pass \\|$`));
    expect(renderTable('datasets', [rec], false)[2]).not.toMatch(/target/);
  });

  it('usage errors exit 2, impossible requests exit 1, nothing on stdout, nothing left behind', () => {
    const tmp = tempDir('rosas-sim-tmp-');
    const file = samplePath(CONN);
    const cases: Array<[string[], number, RegExp]> = [
      [[], 2, /usage: rosas simulate/],
      [[file], 2, /--label-column is required/],
      [[file, '--label-column', 'label', '--anomaly-rate', '2'], 2, /--anomaly-rate must be a share between 0 and 1/],
      [[file, '--label-column', 'label', '--rounds', '0'], 2, /--rounds must be an integer ≥ 1/],
      [[file, '--label-column', 'label', '--format', 'nope'], 2, /unknown format "nope"/],
      [['/nonexistent/x.log', '--label-column', 'label'], 1, /no such file/],
      [[file, '--label-column', 'nope', '--epochs', '1'], 1, /label column "nope" is not a field/],
      [[file, '--label-column', 'label', '--anomaly-rate', '0.0001', '--epochs', '1'], 1, /keeps no anomaly/],
    ];
    for (const [args, code, message] of cases) {
      const r = rosas(tmp, 'simulate', ...args, '--json');
      expect(r.code, args.join(' ')).toBe(code);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
    }
    expect(fs.readdirSync(tmp)).toEqual([]);
  });
});
