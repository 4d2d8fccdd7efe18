import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { RosasError } from '../../src-main/core/errors';
import { importFile } from '../../src-main/core/ingest/import';
import { importInto, newProject, projectDigest } from '../helpers/project';
import { samplePath, tempDir } from '../helpers/samples';

const CONN = 'zeek-tsv/ctu-normal-40-day1.conn.log.labeled';
const APACHE = 'web-access/elastic-examples.apache_logs.log';

async function expectImportError(promise: Promise<unknown>, code: string, message: RegExp): Promise<RosasError> {
  let err: unknown;
  try {
    await promise;
  } catch (e) {
    err = e;
  }
  expect(err, 'expected the import to fail').toBeInstanceOf(RosasError);
  expect((err as RosasError).code).toBe(code);
  expect((err as Error).message).toMatch(message);
  return err as RosasError;
}

function writeTemp(name: string, content: string | Buffer): string {
  const file = path.join(tempDir(), name);
  fs.writeFileSync(file, content);
  return file;
}

describe('files that are not logs get one clear error and change nothing', () => {
  const cases: Array<[string, string | Buffer, RegExp]> = [
    ['empty.log', '', /empty/],
    ['blank.log', '\n\n   \n', /empty/],
    ['image.png', Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), Buffer.alloc(500, 7)]), /binary/],
    ['archive.zip', Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(100)]), /zip archive/],
    ['readme.txt', 'This project imports logs.\nIt has no timestamps in it at all.\nJust prose, line after line.\n', /not a log format/],
  ];
  for (const [name, content, message] of cases) {
    it(name, async () => {
      const project = newProject();
      const before = projectDigest(project);
      const err = await expectImportError(importInto(project, writeTemp(name, content)), 'not-a-log', message);
      expect(err.message).toContain(name); // says which file
      expect(projectDigest(project)).toBe(before);
      project.close();
    });
  }

  it('a log forced through the wrong format', async () => {
    const project = newProject();
    const before = projectDigest(project);
    await expectImportError(importInto(project, samplePath(APACHE), { format: 'zeek-tsv' }), 'not-a-log', /no record could be read as .*line 1/);
    expect(projectDigest(project)).toBe(before);
    project.close();
  });
});

describe('bad lines are quarantined with file, line, reason and raw text; the rest is imported', () => {
  it('garbage, truncated, huge and non-UTF-8 lines in a Zeek log', async () => {
    const lines = fs.readFileSync(samplePath(CONN), 'utf8').split('\n');
    const header = lines.slice(0, 8);
    const rows = lines.slice(8).filter(Boolean);
    const body = rows.slice(0, 100);
    body.splice(10, 0, 'this is not a zeek row');
    body.splice(20, 0, rows[20]!.split('\t').slice(0, 5).join('\t'));
    body.splice(30, 0, 'x'.repeat(5 * 1024 * 1024));
    const file = writeTemp('broken.conn.log', [...header, ...body].join('\n') + '\n');
    // One more row whose text is Latin-1, not UTF-8: kept, read as Latin-1, and counted.
    fs.appendFileSync(file, Buffer.concat([Buffer.from(rows[0]!.replace('Microsoft', 'Microsoft\xe9'), 'latin1'), Buffer.from('\n')]));
    const project = newProject();
    const s = await importInto(project, file);
    expect(s.records).toBe(101);
    expect(s.quarantined).toBe(3);
    expect(s.latin1Lines).toBe(1);
    const q = project.db.prepare('SELECT line, reason, length(raw) AS len, substr(raw, 1, 30) AS raw FROM quarantine ORDER BY line').all() as Array<{ line: number; reason: string; len: number; raw: string }>;
    expect(q.map((r) => r.line)).toEqual([19, 29, 39]);
    expect(q[0]!.raw).toBe('this is not a zeek row');
    expect(q[1]!.reason).toMatch(/field/);
    expect(q[2]!.reason).toMatch(/longer than/);
    expect(q[2]!.len).toBeLessThanOrEqual(64 * 1024);
    const latin = project.db.prepare("SELECT fields FROM records WHERE raw LIKE '%Microsoft\u00e9%'").get() as { fields: string } | undefined;
    expect(latin).toBeDefined();
    project.close();
  });

  it('the truncated line 8899 of the Apache sample does not abort the file', async () => {
    const project = newProject();
    const s = await importInto(project, samplePath(APACHE));
    expect(s.records + s.quarantined).toBe(10000);
    project.close();
  });
});

describe('inputs', () => {
  it('reads .gz transparently, with the same records as the plain file', async () => {
    const plain = samplePath(CONN);
    const gz = writeTemp('conn.log.gz', zlib.gzipSync(fs.readFileSync(plain)));
    const a = newProject();
    const b = newProject();
    const sa = await importInto(a, plain);
    const sb = await importInto(b, gz);
    expect(sb.format).toBe('zeek-tsv');
    expect(sb.records).toBe(sa.records);
    const rows = (p: typeof a) => p.db.prepare('SELECT line, raw, fields FROM records ORDER BY id').raw().all();
    expect(rows(b)).toEqual(rows(a));
    a.close();
    b.close();
  });

  it('reads UTF-16 files (Windows exports) as text', async () => {
    const text = fs.readFileSync(samplePath('linux-auth/loghub-OpenSSH_2k.log'), 'utf8');
    const file = writeTemp('utf16.log', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    const project = newProject();
    const s = await importInto(project, file);
    expect(s.format).toBe('syslog');
    expect(s.records).toBe(2000);
    project.close();
  });

  it('a gzip that yields nothing readable is one clear error', async () => {
    const gz = zlib.gzipSync(fs.readFileSync(samplePath(CONN)));
    // A valid gzip header, then garbage: not one byte decompresses.
    const file = writeTemp('broken.log.gz', Buffer.concat([gz.subarray(0, 10), Buffer.alloc(200, 0xff)]));
    const project = newProject();
    const before = projectDigest(project);
    await expectImportError(importInto(project, file), 'not-a-log', /gzip/);
    expect(projectDigest(project)).toBe(before);
    project.close();
  });
});

describe('duplicates, label columns, cancel', () => {
  it('importing the same content twice needs `again`', async () => {
    const project = newProject();
    await importInto(project, samplePath(CONN));
    const copy = writeTemp('renamed.log', fs.readFileSync(samplePath(CONN)));
    const before = projectDigest(project);
    await expectImportError(importInto(project, copy), 'duplicate-source', /already imported .*source #1/);
    expect(projectDigest(project)).toBe(before);
    const again = await importInto(project, copy, { again: true });
    expect(again.records).toBe(5663);
    expect(project.db.prepare('SELECT count(*) AS n FROM records').get()).toEqual({ n: 2 * 5663 });
    project.close();
  });

  it('an unknown label column is refused and lists the fields', async () => {
    const project = newProject();
    const before = projectDigest(project);
    await expectImportError(importInto(project, samplePath(CONN), { labelColumn: 'verdict' }), 'invalid-argument', /label column "verdict".*fields are: .*detailedlabel/);
    expect(projectDigest(project)).toBe(before);
    project.close();
  });

  it('--normal-values replaces the default rule', async () => {
    const project = newProject();
    const s = await importInto(project, samplePath(CONN), { labelColumn: 'detailedlabel', normalValues: ['Microsoft', 'ESET', 'Dropbox', 'Cert-Validation'] });
    // Normal: 652 + 604 + 135 + 11 benign, plus the 60 background rows whose detailedlabel is (empty).
    expect(s.truth).toEqual({ anomalies: 4201, normals: 1462 });
    project.close();
  });

  it('a cancelled import leaves the project as it was', async () => {
    const project = newProject();
    await importInto(project, samplePath('zeek-tsv/ctu-botnet-230-1-njrat.conn.log.labeled'));
    const before = projectDigest(project);
    const controller = new AbortController();
    let sawProgress = false;
    // Big enough that progress is reported before the end.
    const big = writeTemp('big-access.log', fs.readFileSync(samplePath(APACHE), 'utf8').repeat(10));
    const run = importFile(project.db, big, {}, {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.records > 0 && !sawProgress) {
          sawProgress = true;
          controller.abort();
        }
      },
    });
    await expectImportError(run, 'cancelled', /cancelled/);
    expect(sawProgress).toBe(true);
    expect(projectDigest(project)).toBe(before);
    project.close();
  });
});

describe('roles', () => {
  it('an analyst role change rebuilds the feature spec; a later import does not', async () => {
    const { latestSpec } = await import('../../src-main/core/features/spec-store');
    const { setRoleOverride } = await import('../../src-main/core/features/field-roles');
    const { listFields } = await import('../../src-main/core/fields/table');
    const project = newProject();
    await importInto(project, samplePath(CONN), { labelColumn: 'label' });
    const first = latestSpec(project.db)!;
    expect(first.spec.fieldOfColumn).toContain('proto');
    setRoleOverride(project.db, 'proto', 'ignore');
    const second = latestSpec(project.db)!;
    expect(second.id).toBeGreaterThan(first.id);
    expect(second.spec.fieldOfColumn).not.toContain('proto');
    expect(listFields(project.db).find((f) => f.name === 'proto')!.effectiveRole).toBe('ignore');
    await importInto(project, samplePath('zeek-tsv/ctu-botnet-230-1-njrat.conn.log.labeled'), { labelColumn: 'label' });
    expect(latestSpec(project.db)!.id).toBe(second.id);
    expect(() => setRoleOverride(project.db, 'nope', 'ignore')).toThrow(/no field named "nope"/);
    project.close();
  });
});
