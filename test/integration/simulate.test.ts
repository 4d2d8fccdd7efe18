import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runRosas } from '../helpers/cli';
import { samplePath, tempDir } from '../helpers/samples';

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
function outcome(o: { found: number[]; reviewed: number[]; baselines: unknown; rounds_detail: Array<Record<string, unknown>>; final: Record<string, unknown> }) {
  const strip = ({ train_seconds: _t, ...rest }: Record<string, unknown>) => rest;
  return { found: o.found, reviewed: o.reviewed, baselines: o.baselines, detail: o.rounds_detail.map(strip), final: strip(o.final) };
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
    // The first review is the cold start's top K either way.
    expect(out.baselines.iforest.found[0]).toBe(out.found[0]);

    expect(out.rounds_detail).toHaveLength(2);
    const [r0, r1] = out.rounds_detail;
    expect(r0).toMatchObject({ round: 0, project_round: 1, method: 'iforest', labeled_anomalies: 0, labeled_normals: 0, reviewed: 20, found: out.found[0] });
    expect(r1).toMatchObject({ round: 1, project_round: 2, labeled_anomalies: out.found[0], labeled_normals: 20 - out.found[0], reviewed: 20, found: out.found[1] });
    // RoSAS once an anomaly is labeled, Isolation Forest while none is.
    expect(r1.method).toBe(out.found[0] > 0 ? 'rosas' : 'iforest');
    for (const d of out.rounds_detail) {
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
    const info = JSON.parse(rosas(tmp, 'info', kept, '--json').stdout);
    expect(info).toMatchObject({ records: 1539, rounds: 3, labels: { anomaly: out.found[1], normal: 40 - out.found[1] } });
    expect(rosas(tmp, 'simulate', samplePath(CONN), ...ARGS, '--keep-project', kept).stderr).toMatch(/already exists/);
  });

  it('prints the curves as a table', () => {
    const tmp = tempDir('rosas-sim-tmp-');
    const r = rosas(tmp, 'simulate', samplePath(CONN), '--label-column', 'label', '--anomaly-rate', '0.05', '--rounds', '1', '--per-round', '10', '--epochs', '1');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/1,539 records, 77 true anomalies/);
    expect(r.stdout).toMatch(/^round\s+model\s+reviewed\s+found\s+precision@K\s+IF no retrain\s+random\s+ideal/m);
    expect(r.stdout).toMatch(/^1\s+iforest \(round 0\)\s+10\s/m);
    expect(fs.readdirSync(tmp)).toEqual([]);
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
