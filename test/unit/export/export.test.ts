import fs from 'node:fs';
import path from 'node:path';
import type { Database } from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CancelledError, RosasError } from '../../../src-main/core/errors';
import { exportRecords, formatFromFileName, type ExportProgress } from '../../../src-main/core/export/export';
import { importFile } from '../../../src-main/core/ingest/import';
import { setLabels } from '../../../src-main/core/labels/labels';
import { openProject, type Project } from '../../../src-main/core/project/project';
import { rankedIds, roundScores } from '../../../src-main/core/rounds/ranking';
import { trainRound } from '../../../src-main/core/rounds/train-round';
import { importInto, newProject } from '../../helpers/project';
import { samplePath, tempDir } from '../../helpers/samples';
import { storeRound } from '../rounds/fixtures';
import { HOSTILE_CSV, hostileProject, RANKED, SCORES, type Hostile } from './fixtures';

const CONN = 'zeek-tsv/ctu-normal-40-day1.conn.log.labeled';

type Values = Record<string, unknown>;
interface StoredRecord {
  id: number;
  truth: number | null;
  raw: string;
  source: string;
  line: number;
  fields: Values;
}

/** Every record of a project with its fields by name (as rounds.ts maps them). */
function recordsOf(db: Database): StoredRecord[] {
  const names: string[] = [];
  for (const f of db.prepare('SELECT pos, name FROM fields').all() as Array<{ pos: number; name: string }>) names[f.pos] = f.name;
  const rows = db.prepare('SELECT r.id, r.truth, r.raw, r.line, r.fields, s.file_name FROM records r JOIN sources s ON s.id = r.source_id ORDER BY r.id').all() as Array<{
    id: number;
    truth: number | null;
    raw: string;
    line: number;
    fields: string;
    file_name: string;
  }>;
  return rows.map((r) => {
    const fields: Values = {};
    (JSON.parse(r.fields) as unknown[]).forEach((v, pos) => {
      if (v !== null && v !== undefined) fields[names[pos]!] = v;
    });
    return { id: r.id, truth: r.truth, raw: r.raw, line: r.line, source: r.file_name, fields };
  });
}

function labeledAt(db: Database, id: number): string {
  return db.prepare('SELECT updated_at FROM labels WHERE record_id = ?').pluck().get(id) as string;
}

const f32 = (x: number) => String(Math.fround(x));

function ndjsonLines(file: string): Values[] {
  const text = fs.readFileSync(file, 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text
    .slice(0, -1)
    .split('\n')
    .map((l) => JSON.parse(l) as Values);
}

function freshProjectFrom(file: string, opts: Parameters<typeof importFile>[2]): Promise<{ project: Project; summary: Awaited<ReturnType<typeof importFile>> }> {
  const project = newProject();
  return importFile(project.db, file, opts).then((summary) => ({ project, summary }));
}

describe('export file names', () => {
  it('takes the format from the file name', () => {
    expect(formatFromFileName('a.ndjson')).toBe('ndjson');
    expect(formatFromFileName('a.JSONL')).toBe('ndjson');
    expect(formatFromFileName('a.csv')).toBe('csv');
    expect(formatFromFileName('a')).toBe('csv');
  });
});

describe('exportRecords: hostile values, labels and a round', () => {
  let h: Hostile;
  beforeAll(async () => {
    h = await hostileProject();
  });
  afterAll(() => h.project.close());

  it('CSV: exact header and rows, RFC 4180 quoting, formulas neutralised, by rank then unscored', async () => {
    const out = path.join(h.dir, 'export.csv');
    const result = await exportRecords(h.project.db, { out, format: 'csv' });
    expect(result).toEqual({ file: out, format: 'csv', records: 7, round: h.round });
    const db = h.project.db;
    const expected = [
      'id,rank,score,label,note,labeled_by,labeled_at,source,line,host,payload,comment,field.Score,n,tags,field.label,raw',
      `2,1,${f32(0.9)},normal,"fine, ""really""\nsecond line",ana,${labeledAt(db, 2)},hostile.csv,3,h2,'+1+1,"a, b ""quoted""\nnext line",x,12,,,"h2,+1+1,""a, b """"quoted""""\nnext line"",x,12"`,
      `5,2,${f32(0.7)},,,,,hostile.csv,7,h5,'\t=1+2,'  -x,7,,,,"h5,\t=1+2,""  -x"",7,"`,
      `3,3,0.5,unsure,,'@bob,${labeledAt(db, 3)},hostile.csv,5,h3,'@SUM(A1),héllo ☃ 日本語 😀,-1,-0.5,,,"h3,@SUM(A1),héllo ☃ 日本語 😀,-1,-0.5"`,
      `6,4,${f32(0.3)},,,,,lists.ndjson,1,h6,,,,,"x,=y,3",evil,"{""host"":""h6"",""tags"":[""x"",""=y"",3],""label"":""evil""}"`,
      `1,5,${f32(0.1)},anomaly,"'=HYPERLINK(""http://evil.example"",""click"")",ana,${labeledAt(db, 1)},hostile.csv,2,h1,'=cmd|' /C calc'!A0,<script>alert(1)</script>,0.5,-3,,,"h1,""=cmd|' /C calc'!A0"",<script>alert(1)</script>,0.5,-3"`,
      `4,6,-0.25,,,,,hostile.csv,6,h4,'-2+3,"tab\there, cr\rthere",-,0,,,"h4,-2+3,""tab\there, cr\rthere"",-,0"`,
      '7,,,,,,,late.csv,2,h7,,,,7,,,"h7,7"',
      '',
    ].join('\n');
    const bytes = fs.readFileSync(out);
    expect(bytes.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(false); // no BOM
    expect(bytes.toString('utf8')).toBe(expected);
    // Nothing else is left in the folder: the temporary file was renamed.
    expect(fs.readdirSync(h.dir).filter((f) => f.endsWith('.part'))).toEqual([]);
  });

  it('NDJSON: the same columns, every value exactly as stored (no neutralising), lists as arrays', async () => {
    const out = path.join(h.dir, 'export.ndjson');
    expect(await exportRecords(h.project.db, { out, format: 'ndjson' })).toEqual({ file: out, format: 'ndjson', records: 7, round: h.round });
    const lines = ndjsonLines(out);
    expect(lines.map((l) => l.id)).toEqual([...RANKED, 7]);
    expect(Object.keys(lines[0]!)).toEqual(['id', 'rank', 'score', 'label', 'note', 'labeled_by', 'labeled_at', 'source', 'line', 'host', 'payload', 'comment', 'field.Score', 'n', 'raw']);

    const stored = new Map(recordsOf(h.project.db).map((r) => [r.id, r]));
    const rename: Record<string, string> = { Score: 'field.Score', label: 'field.label' };
    for (const [i, l] of lines.entries()) {
      const r = stored.get(l.id as number)!;
      const id = r.id;
      const fields: Values = {};
      for (const [k, v] of Object.entries(r.fields)) fields[rename[k] ?? k] = v;
      const label = h.project.db.prepare('SELECT label, note, author, updated_at FROM labels WHERE record_id = ?').get(id) as
        | { label: string; note: string | null; author: string; updated_at: string }
        | undefined;
      expect(l).toEqual({
        id,
        rank: id === 7 ? null : i + 1,
        score: id === 7 ? null : Math.fround(SCORES[id - 1]!),
        label: label?.label ?? null,
        note: label?.note ?? null,
        labeled_by: label?.author ?? null,
        labeled_at: label?.updated_at ?? null,
        source: r.source,
        line: r.line,
        ...fields,
        raw: r.raw,
      });
    }
    const byId = new Map(lines.map((l) => [l.id, l]));
    expect(byId.get(1)).toMatchObject({ payload: "=cmd|' /C calc'!A0", comment: '<script>alert(1)</script>', note: '=HYPERLINK("http://evil.example","click")', n: -3 });
    expect(byId.get(3)).toMatchObject({ payload: '@SUM(A1)', comment: 'héllo ☃ 日本語 😀', labeled_by: '@bob', n: -0.5, 'field.Score': -1 });
    expect(byId.get(6)).toMatchObject({ tags: ['x', '=y', 3], 'field.label': 'evil' });
    expect(byId.get(1)!.raw).toBe(HOSTILE_CSV.split('\n')[1]);
  });

  it('only labeled records, in rank order, with the fields of their sources', async () => {
    const csv = path.join(h.dir, 'labeled.csv');
    expect(await exportRecords(h.project.db, { out: csv, format: 'csv', onlyLabeled: true })).toMatchObject({ records: 3, round: h.round });
    const header = fs.readFileSync(csv, 'utf8').split('\n')[0];
    // Only hostile.csv has labeled records: no tags, no field.label.
    expect(header).toBe('id,rank,score,label,note,labeled_by,labeled_at,source,line,host,payload,comment,field.Score,n,raw');
    const nd = path.join(h.dir, 'labeled.ndjson');
    await exportRecords(h.project.db, { out: nd, format: 'ndjson', onlyLabeled: true });
    expect(ndjsonLines(nd).map((l) => [l.id, l.rank, l.label])).toEqual([
      [2, 1, 'normal'],
      [3, 3, 'unsure'],
      [1, 5, 'anomaly'],
    ]);
  });

  it('re-imports: CSV as csv, NDJSON as ndjson, same records, label column as ground truth', async () => {
    const original = recordsOf(h.project.db);
    // anomaly → 1, normal → 0, unlabeled (empty / missing) → 0, unsure → 1 under the default rule.
    const expectedTruth = new Map([
      [1, 1],
      [2, 0],
      [3, 1],
      [4, 0],
      [5, 0],
      [6, 0],
      [7, 0],
    ]);
    for (const format of ['csv', 'ndjson'] as const) {
      const out = path.join(h.dir, `reimport.${format}`);
      await exportRecords(h.project.db, { out, format });
      const { project, summary } = await freshProjectFrom(out, { format, labelColumn: 'label' });
      try {
        expect(summary).toMatchObject({ format, records: 7, quarantined: 0, truth: { anomalies: 2, normals: 5 } });
        const back = recordsOf(project.db);
        expect(back).toHaveLength(original.length);
        for (const r of back) {
          const id = r.fields.id as number;
          const was = original.find((o) => o.id === id)!;
          expect(r.truth, `${format} record ${id}`).toBe(expectedTruth.get(id));
          // The original record comes back whole: its raw text, and the note with its quotes and line break.
          expect(r.fields.raw).toBe(was.raw);
          expect(r.fields.source).toBe(was.source);
          if (id === 2) expect(r.fields.note).toBe('fine, "really"\nsecond line');
          // "  -x" would start a formula after its spaces: neutralised in CSV only.
          expect(r.fields.comment).toBe(format === 'csv' && id === 5 ? "'  -x" : was.fields.comment);
        }
        const first = back.find((r) => r.fields.id === 1)!;
        // CSV neutralised the formula (documented); NDJSON kept it exactly.
        expect(first.fields.payload).toBe(format === 'csv' ? "'=cmd|' /C calc'!A0" : "=cmd|' /C calc'!A0");
        expect(back.find((r) => r.fields.id === 6)!.fields.tags).toEqual(format === 'csv' ? 'x,=y,3' : ['x', '=y', 3]);
        expect(back.find((r) => r.fields.id === 6)!.fields['field.label']).toBe('evil');
      } finally {
        project.close();
      }
      // With unsure counted as normal.
      const again = await freshProjectFrom(out, { format, labelColumn: 'label', normalValues: ['normal', 'unsure'] });
      try {
        expect(again.summary.truth).toEqual({ anomalies: 1, normals: 6 });
        const truthById = new Map(recordsOf(again.project.db).map((r) => [r.fields.id as number, r.truth]));
        expect([truthById.get(1), truthById.get(2), truthById.get(3)]).toEqual([1, 0, 0]);
      } finally {
        again.project.close();
      }
    }
  });

  it('an export is never written onto the project, nor for a round that does not exist', async () => {
    await expect(exportRecords(h.project.db, { out: h.project.path, format: 'csv' })).rejects.toThrow(/the project itself/);
    await expect(exportRecords(h.project.db, { out: `${h.project.path}-wal`, format: 'csv' })).rejects.toThrow(/the project itself/);
    const out = path.join(h.dir, 'round9.csv');
    await expect(exportRecords(h.project.db, { out, format: 'csv', round: 9 })).rejects.toMatchObject({ code: 'not-found', message: expect.stringMatching(/no round 9/) });
    await expect(exportRecords(h.project.db, { out: path.join(h.dir, 'missing', 'x.csv'), format: 'csv' })).rejects.toMatchObject({ code: 'not-found' });
    await expect(exportRecords(h.project.db, { out: h.dir, format: 'csv' })).rejects.toBeInstanceOf(RosasError);
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.readdirSync(h.dir).filter((f) => f.endsWith('.part'))).toEqual([]);
  });
});

describe('exportRecords: rounds and order', () => {
  it('before any round: by id, rank and score empty, round null', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'hostile.csv');
    fs.writeFileSync(file, HOSTILE_CSV);
    const p = newProject();
    try {
      await importInto(p, file, { format: 'csv' });
      const nd = path.join(dir, 'out.ndjson');
      expect(await exportRecords(p.db, { out: nd, format: 'ndjson' })).toEqual({ file: nd, format: 'ndjson', records: 5, round: null });
      expect(ndjsonLines(nd).map((l) => [l.id, l.rank, l.score])).toEqual([1, 2, 3, 4, 5].map((id) => [id, null, null]));
      const csv = path.join(dir, 'out.csv');
      await exportRecords(p.db, { out: csv, format: 'csv' });
      const lines = fs.readFileSync(csv, 'utf8').split('\n');
      expect(lines[0]).toBe('id,rank,score,label,note,labeled_by,labeled_at,source,line,host,payload,comment,field.Score,n,raw');
      expect(lines[1]!.startsWith('1,,,,,,,hostile.csv,2,h1,')).toBe(true);
      await expect(exportRecords(p.db, { out: csv, format: 'csv', round: 1 })).rejects.toThrow(/no rounds yet/);
    } finally {
      p.close();
    }
  });

  it('the newest round by default, an older one when asked', async () => {
    const h = await hostileProject();
    try {
      // Round 2 ranks the other way round, and scores record 7 (0: between records 4 and 1).
      const reversed = Float32Array.from(SCORES, (s) => -s);
      const r2 = storeRound(h.project.db, Float32Array.from([...reversed, 0]));
      const out = path.join(h.dir, 'r.ndjson');
      expect(await exportRecords(h.project.db, { out, format: 'ndjson' })).toMatchObject({ round: r2 });
      expect(ndjsonLines(out).map((l) => l.id)).toEqual([4, 7, 1, 6, 3, 5, 2]);
      expect(await exportRecords(h.project.db, { out, format: 'ndjson', round: h.round })).toMatchObject({ round: h.round });
      expect(ndjsonLines(out).map((l) => [l.id, l.rank])).toEqual([...RANKED.map((id, i) => [id, i + 1]), [7, null]]);
      // Only labeled, by round 1: a labeled record the round did not score comes after the ranked ones.
      setLabels(h.project.db, [7], 'anomaly', { author: 'ana' });
      await exportRecords(h.project.db, { out, format: 'ndjson', round: h.round, onlyLabeled: true });
      expect(ndjsonLines(out).map((l) => [l.id, l.rank])).toEqual([
        [2, 1],
        [3, 3],
        [1, 5],
        [7, null],
      ]);
    } finally {
      h.project.close();
    }
  });
});

describe('exportRecords: a real Zeek log with a trained round', () => {
  let p: Project;
  let dir: string;
  let ranked: number[];
  const labels = new Map<number, 'anomaly' | 'normal' | 'unsure'>();
  beforeAll(async () => {
    dir = tempDir();
    p = openProject(path.join(dir, 'zeek.rosas'), { create: true, purpose: 'test' });
    await importInto(p, samplePath(CONN), { labelColumn: 'label' });
    await trainRound(p.db, { method: 'iforest' });
    ranked = Array.from(rankedIds(p.db, 1));
    const pick = (ids: number[], label: 'anomaly' | 'normal' | 'unsure', note?: string) => {
      setLabels(p.db, ids, label, { author: 'ana', note });
      for (const id of ids) labels.set(id, label);
    };
    pick(ranked.slice(0, 3), 'anomaly', 'scan, "S0" storm');
    pick(ranked.slice(3, 5), 'normal');
    pick([ranked[5]!, ranked[4000]!], 'unsure', '=check later');
    pick([ranked[5000]!], 'normal');
  });
  afterAll(() => p.close());

  it('pages through every record in rank order, Zeek label kept as field.label', async () => {
    const out = path.join(dir, 'all.ndjson');
    const seen: ExportProgress[] = [];
    const result = await exportRecords(p.db, { out, format: 'ndjson', onProgress: (x) => seen.push(x) });
    expect(result).toMatchObject({ records: 5663, round: 1 });
    const lines = ndjsonLines(out);
    expect(lines.map((l) => l.id)).toEqual(ranked);
    expect(lines.map((l) => l.rank)).toEqual(ranked.map((_, i) => i + 1));
    const scores = roundScores(p.db, 1);
    expect(lines.every((l) => l.score === scores[(l.id as number) - 1])).toBe(true);
    expect(lines.every((l) => ['Benign', 'Malicious', 'Background'].includes(l['field.label'] as string))).toBe(true);
    expect(lines.filter((l) => l.label !== null).length).toBe(labels.size);
    expect(seen.at(-1)).toEqual({ records: 5663, total: 5663 });
    expect(lines[0]).toMatchObject({ label: 'anomaly', note: 'scan, "S0" storm', labeled_by: 'ana', source: path.basename(CONN) });
  });

  it('both exports re-import with the same count; the label column is ground truth, field.label the original truth', async () => {
    const originalTruth = new Map((p.db.prepare('SELECT id, truth FROM records').raw(true).all() as Array<[number, number]>).map(([id, t]) => [id, t]));
    for (const format of ['csv', 'ndjson'] as const) {
      const out = path.join(dir, `all.${format}`);
      await exportRecords(p.db, { out, format });
      for (const labelColumn of ['label', 'field.label']) {
        const { project, summary } = await freshProjectFrom(out, { format, labelColumn });
        try {
          expect(summary.records, `${format} ${labelColumn}`).toBe(5663);
          expect(summary.quarantined).toBe(0);
          for (const r of recordsOf(project.db)) {
            const id = r.fields.id as number;
            const want = labelColumn === 'label' ? (labels.get(id) === 'anomaly' || labels.get(id) === 'unsure' ? 1 : 0) : originalTruth.get(id);
            if (r.truth !== want) expect.fail(`${format} --label-column ${labelColumn}: record ${id} truth ${r.truth}, expected ${want}`);
          }
        } finally {
          project.close();
        }
      }
    }
  });

  it('a cancel leaves no file under the name, an existing one untouched, and no temporary file', async () => {
    const out = path.join(dir, 'cancel.csv');
    fs.writeFileSync(out, 'previous export\n');
    const before = fs.readdirSync(dir).sort();
    const controller = new AbortController();
    const run = exportRecords(p.db, {
      out,
      format: 'csv',
      signal: controller.signal,
      // The first report comes before any record is written; the export stops at the next page.
      onProgress: () => controller.abort(),
    });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(fs.readFileSync(out, 'utf8')).toBe('previous export\n');
    expect(fs.readdirSync(dir).sort()).toEqual(before);

    const fresh = path.join(dir, 'never.ndjson');
    await expect(exportRecords(p.db, { out: fresh, format: 'ndjson', signal: AbortSignal.abort() })).rejects.toBeInstanceOf(CancelledError);
    expect(fs.existsSync(fresh)).toBe(false);
    expect(fs.readdirSync(dir).sort()).toEqual(before);
  });
});
