import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { setProjectAnalyst } from '../../src-main/core/project/analyst';
import { openProject } from '../../src-main/core/project/project';
import { rosas, rosasJson } from '../helpers/cli';
import { samplePath, tempDir } from '../helpers/samples';

const CONN = 'zeek-tsv/ctu-normal-40-day1.conn.log.labeled';
const RECORDS = 5663;

describe('rosas export (the JSON contract and exit codes)', () => {
  let dir: string;
  let project: string;
  beforeAll(() => {
    dir = tempDir();
    project = path.join(dir, 'p.rosas');
    expect(rosas('import', project, samplePath(CONN), '--label-column', 'label').code).toBe(0);
  });

  it('before and after a round: one JSON document, file in place, re-importable with the labels', () => {
    const before = path.join(dir, 'before.csv');
    const r0 = rosasJson('export', project, '--out', before);
    expect(r0).toEqual({ file: before, format: 'csv', records: RECORDS, round: null });
    expect(fs.readFileSync(before, 'utf8').split('\n', 1)[0]).toMatch(/^id,rank,score,label,note,labeled_by,labeled_at,source,line,ts,uid,id\.orig_h,.*,field\.label,detailedlabel,raw$/);

    expect(rosasJson('train', project).round).toBe(1);
    const top = rosasJson('top', project, '-n', '3').records as Array<{ id: number }>;
    rosasJson('label', project, String(top[0]!.id), String(top[1]!.id), '--as', 'anomaly', '--note', '=1+1, "odd"', '--author', 'ana');
    // Without --author: the project's analyst name (set in the app), not the account's.
    const p = openProject(project);
    setProjectAnalyst(p.db, 'Dana K.');
    p.close();
    rosasJson('label', project, String(top[2]!.id), '--as', 'normal');

    // Format from the extension; the newest round by default.
    const nd = path.join(dir, 'all.ndjson');
    expect(rosasJson('export', project, '--out', nd)).toEqual({ file: nd, format: 'ndjson', records: RECORDS, round: 1 });
    const first = JSON.parse(fs.readFileSync(nd, 'utf8').split('\n', 1)[0]!);
    expect(first).toMatchObject({ id: top[0]!.id, rank: 1, label: 'anomaly', note: '=1+1, "odd"', labeled_by: 'ana' });
    const third = fs.readFileSync(nd, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)).find((r) => r.id === top[2]!.id);
    expect(third).toMatchObject({ label: 'normal', labeled_by: 'Dana K.' });

    // --format wins over the extension; --only-labeled; --round; a relative --out resolves.
    const labeled = rosasJson('export', project, '--out', path.relative(process.cwd(), path.join(dir, 'labeled.ndjson')), '--format', 'csv', '--only-labeled', '--round', '1');
    expect(labeled).toEqual({ file: path.join(dir, 'labeled.ndjson'), format: 'csv', records: 3, round: 1 });
    const rows = fs.readFileSync(labeled.file, 'utf8').split('\n');
    expect(rows[1]).toMatch(new RegExp(`^${top[0]!.id},1,[^,]+,anomaly,"'=1\\+1, ""odd""",ana,`));

    // The CSV export re-imports with its label column as ground truth.
    const back = rosasJson('import', path.join(dir, 'back.rosas'), path.join(dir, 'labeled.ndjson'), '--format', 'csv', '--label-column', 'label');
    expect(back).toMatchObject({ records: 3, quarantined: 0, files: [{ truth: { anomalies: 2, normals: 1 } }] });
    const again = rosasJson('import', path.join(dir, 'back2.rosas'), nd, '--format', 'ndjson', '--label-column', 'label');
    expect(again).toMatchObject({ records: RECORDS, quarantined: 0, files: [{ truth: { anomalies: 2, normals: RECORDS - 2 } }] });

    // Human output: one line on stdout.
    const human = rosas('export', project, '--out', path.join(dir, 'h.csv'));
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(new RegExp(`^5,663 records exported to .*h\\.csv \\(csv, ranked by round 1\\)\\n$`));
  });

  it('usage errors exit 2, failures exit 1, on stderr with nothing on stdout and no file', () => {
    const out = path.join(dir, 'bad.csv');
    const usage = [
      ['export', project],
      ['export', '--out', out],
      ['export', project, '--out', out, '--format', 'xlsx'],
      ['export', project, '--out', out, '--round', '0'],
      ['export', project, '--out', out, '--bogus'],
      ['export', project, 'extra', '--out', out],
    ];
    for (const args of usage) {
      const r = rosas(...args, '--json');
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^error: /);
    }
    const failures: Array<[string[], RegExp]> = [
      [['export', project, '--out', out, '--round', '9'], /no round 9/],
      [['export', path.join(dir, 'none.rosas'), '--out', out], /no project/],
      [['export', project, '--out', path.join(dir, 'no-such-folder', 'x.csv')], /no folder/],
      [['export', project, '--out', project], /the project itself/],
      [['export', project, '--out', dir], /is a folder/],
    ];
    for (const [args, message] of failures) {
      const r = rosas(...args, '--json');
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(message);
    }
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.part'))).toEqual([]);
    // The project is intact.
    expect(rosasJson('info', project).records).toBe(RECORDS);
  });
});
