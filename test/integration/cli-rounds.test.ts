import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, rosas, rosasJson } from '../helpers/cli';
import { samplePath, tempDir } from '../helpers/samples';

const CONN = 'zeek-tsv/ctu-normal-40-day1.conn.log.labeled';

describe('rosas train / top / label (the JSON contract other tools read)', () => {
  it('train, top, label, retrain', () => {
    const project = path.join(tempDir(), 'p.rosas');
    expect(rosas('import', project, samplePath(CONN), '--label-column', 'label').code).toBe(0);

    const none = rosas('top', project);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/no rounds yet/);

    const t1 = rosasJson('train', project);
    expect(t1).toMatchObject({ round: 1, method: 'iforest', backend: 'js', labeled_anomalies: 0, labeled_normals: 0, records_scored: 5663, epochs: null });
    expect(t1.train_seconds).toBeTypeOf('number');
    expect(t1.score_seconds).toBeTypeOf('number');

    const top = rosasJson('top', project, '-n', '5');
    expect(top.round).toBe(1);
    expect(top.records).toHaveLength(5);
    expect(top.records.map((r: { rank: number }) => r.rank)).toEqual([1, 2, 3, 4, 5]);
    const first = top.records[0];
    expect(Object.keys(first).sort()).toEqual(['fields', 'id', 'label', 'line', 'note', 'rank', 'raw', 'score', 'source'].sort());
    expect(first).toMatchObject({ label: null, note: null, source: path.basename(CONN) });
    expect(first.fields.proto).toMatch(/^(tcp|udp|icmp)$/);
    // The cold start's review order: every other place is the best record of a large group no one
    // has reviewed (rounds/queue.ts), the others by descending score.
    for (const i of [2, 4]) expect(top.records[i].score).toBeLessThanOrEqual(top.records[i - 2].score);

    const ids = top.records.slice(0, 2).map((r: { id: number }) => String(r.id));
    const labeled = rosasJson('label', project, ...ids, '--as', 'anomaly', '--note', 'scan', '--author', 'ana');
    expect(labeled).toMatchObject({ changed: 2, label: 'anomaly', author: 'ana' });
    expect(labeled.records).toEqual(ids.map((id: string) => ({ id: Number(id), label: 'anomaly', note: 'scan' })));
    expect(rosasJson('label', project, ids[0], '--as', 'anomaly', '--note', 'scan').changed).toBe(0);
    const normal = rosasJson('label', project, String(top.records[2].id), '--as', 'normal');
    expect(normal.author).toBe(process.env.USER ?? normal.author);

    const again = rosasJson('top', project, '-n', '3');
    expect(again.records.map((r: { label: string | null }) => r.label)).toEqual(['anomaly', 'anomaly', 'normal']);
    expect(again.records[0].note).toBe('scan');
    const unlabeled = rosasJson('top', project, '-n', '2', '--unlabeled');
    expect(unlabeled.records.map((r: { id: number; rank: number }) => [r.id, r.rank])).toEqual(top.records.slice(3, 5).map((r: { id: number; rank: number }) => [r.id, r.rank]));

    const t2 = rosasJson('train', project, '--epochs', '2', '--seed', '5');
    expect(t2).toMatchObject({ round: 2, method: 'rosas', seed: 5, epochs: 2, hidden_anomaly_auc: null, labeled_anomalies: 2, labeled_normals: 1, records_scored: 5663 });
    expect(t2.backend).toMatch(/^(tensorflow-gpu|tensorflow|wasm|cpu)$/);
    expect(rosasJson('top', project, '-n', '1').round).toBe(2);
    expect(rosasJson('top', project, '-n', '1', '--round', '1').records[0].id).toBe(first.id);

    const cleared = rosasJson('label', project, ids[0], '--clear');
    expect(cleared).toMatchObject({ changed: 1, label: null, records: [{ id: Number(ids[0]), label: null }] });

    // Human output: a compact table.
    const table = rosas('top', project, '-n', '3');
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[1]).toMatch(/^rank\s+id\s+score\s+label/);
    expect(table.stdout.trim().split('\n')).toHaveLength(5);

    const info = rosasJson('info', project);
    expect(info.rounds).toBe(2);
  });

  it('usage errors exit 2, bad ids and impossible rounds exit 1, all on stderr', () => {
    const project = path.join(tempDir(), 'p.rosas');
    expect(rosas('import', project, samplePath(CONN)).code).toBe(0);
    expect(rosas('label', project, '1').code).toBe(2);
    expect(rosas('label', project, '1', '--as', 'evil').stderr).toMatch(/--as must be one of anomaly, normal, unsure/);
    expect(rosas('label', project, '1', '--as', 'normal', '--clear').code).toBe(2);
    expect(rosas('label', project, 'x', '--as', 'normal').code).toBe(2);
    expect(rosas('train', project, '--method', 'svm').code).toBe(2);
    expect(rosas('train', project, '--epochs', '0').code).toBe(2);
    expect(rosas('train', project, '--stopping', 'oracle').stderr).toMatch(/--stopping must be a known stopping rule \(separation, cross-fit\)/);
    expect(rosas('top', project, '-n', 'many').code).toBe(2);
    const unknown = rosas('label', project, '3', '99998', '99999', '--as', 'normal', '--json');
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toMatch(/^error: no record with id 99998, 99999/);
    const rosasFirst = rosas('train', project, '--method', 'rosas', '--json');
    expect(rosasFirst.code).toBe(1);
    expect(rosasFirst.stderr).toMatch(/at least one record labeled anomaly/);
    expect(rosas('top', project, '--round', '3').stderr).toMatch(/no rounds yet/);
    expect(JSON.parse(rosas('info', project, '--json').stdout)).toMatchObject({ rounds: 0, labels: { anomaly: 0, normal: 0, unsure: 0 } });
  });

  it('Ctrl-C cancels training cleanly: exit 130, no round saved', async () => {
    const project = path.join(tempDir(), 'p.rosas');
    expect(rosas('import', project, samplePath(CONN)).code).toBe(0);
    expect(rosas('label', project, '1', '2', '--as', 'anomaly').code).toBe(0);
    const child = spawn(process.execPath, [CLI, 'train', project, '--epochs', '1000', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    // The lock file appears when the command has opened the project (its Ctrl-C handler is then set).
    const end = Date.now() + 20_000;
    while (!fs.existsSync(`${project}.lock`) && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 1500));
    child.kill('SIGINT');
    expect(await exited, stderr).toBe(130);
    expect(stderr).toMatch(/cancelled: no round was saved/);
    expect(stdout).toBe('');
    expect(fs.existsSync(`${project}.lock`)).toBe(false);
    expect(JSON.parse(rosas('info', project, '--json').stdout).rounds).toBe(0);
  });
});
