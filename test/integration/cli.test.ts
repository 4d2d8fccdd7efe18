import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openProject } from '../../src-main/core/project/project';
import { importFile } from '../../src-main/core/ingest/import';
import { projectDigest } from '../helpers/project';
import { rosas } from '../helpers/cli';
import { samplePath, tempDir } from '../helpers/samples';

const CONN = 'zeek-tsv/ctu-normal-40-day1.conn.log.labeled';

describe('rosas import / info / fields (the JSON contract other tools read)', () => {
  it('import --json prints one document with records, quarantined, format and fields', () => {
    const project = path.join(tempDir(), 'p.rosas');
    const r = rosas('import', project, samplePath(CONN), '--label-column', 'label', '--json');
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ records: 5663, quarantined: 0, format: 'zeek-tsv', cancelled: false, failed: [] });
    expect(out.fields.find((f: { name: string }) => f.name === 'id.orig_h')).toMatchObject({ type: 'string', role: 'ip', present: 5663 });
    expect(out.files[0]).toMatchObject({ format: 'zeek-tsv', truth: { anomalies: 4201, normals: 1462 }, labelColumn: 'label' });

    const info = JSON.parse(rosas('info', project, '--json').stdout);
    expect(info).toMatchObject({ records: 5663, quarantined: 0, schemaVersion: info.latestSchemaVersion });
    expect(info.sources).toHaveLength(1);
    expect(info.fields.find((f: { name: string }) => f.name === 'label')).toMatchObject({ role: 'label', why: 'ground-truth column given at import' });
    expect(info.features.dim).toBeGreaterThan(10);

    const set = rosas('fields', project, '--set', 'proto=ignore', '--json');
    expect(set.code, set.stderr).toBe(0);
    const after = JSON.parse(set.stdout);
    expect(after.fields.find((f: { name: string }) => f.name === 'proto')).toMatchObject({ role: 'ignore', roleOverride: 'ignore' });
    expect(after.features.specId).toBe(info.features.specId + 1);
  });

  it('mixed files: one that is not a log fails alone, with the reason on stderr and exit 1', () => {
    const dir = tempDir();
    const junk = path.join(dir, 'junk.bin');
    fs.writeFileSync(junk, Buffer.from([0, 1, 2, 3, 0, 0, 7]));
    const project = path.join(dir, 'p.rosas');
    const r = rosas('import', project, samplePath('linux-auth/loghub-OpenSSH_2k.log'), junk, '--json');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/junk\.bin.*binary/);
    const out = JSON.parse(r.stdout);
    expect(out.records).toBe(2000);
    expect(out.failed).toEqual([expect.objectContaining({ code: 'not-a-log', hint: 'if it is a log, choose its format with --format' })]);
    expect(r.stderr).toMatch(/choose its format with --format/);

    // The same content again: the core says what happened, the CLI says which flag gets past it.
    const again = rosas('import', project, samplePath('linux-auth/loghub-OpenSSH_2k.log'), '--json');
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already imported .*; use --again to import it anyway/);
    expect(JSON.parse(again.stdout).failed).toEqual([expect.objectContaining({ code: 'duplicate-source', hint: 'use --again to import it anyway' })]);
    // A folder is named as one.
    const folder = rosas('import', project, dir);
    expect(folder.code).toBe(1);
    expect(folder.stderr).toMatch(/this is a folder, not a log file/);
  });

  it('a first import that lands nothing leaves no project behind; an existing project stays', () => {
    const dir = tempDir();
    const junk = path.join(dir, 'bad.bin');
    fs.writeFileSync(junk, Buffer.from([0, 1, 2, 3, 0, 0, 7]));
    const project = path.join(dir, 'new.rosas');
    for (const file of [junk, path.join(dir, 'missing.log')]) {
      const r = rosas('import', project, file);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/binary|no such file/);
      expect(fs.readdirSync(dir)).toEqual(['bad.bin']);
    }
    // A project that was there before is kept as it was.
    expect(rosas('import', project, samplePath('linux-auth/loghub-OpenSSH_2k.log')).code).toBe(0);
    expect(rosas('import', project, junk).code).toBe(1);
    expect(fs.readdirSync(dir).sort()).toEqual(['bad.bin', 'new.rosas']);
    expect(JSON.parse(rosas('info', project, '--json').stdout).records).toBe(2000);
  });

  it('usage errors exit 2, missing projects exit 1, both on stderr', () => {
    expect(rosas('import').code).toBe(2);
    expect(rosas('import', 'p.rosas', 'x.log', '--format', 'nope').stderr).toMatch(/unknown format "nope"/);
    expect(rosas('frobnicate').code).toBe(2);
    const missing = rosas('info', path.join(tempDir(), 'none.rosas'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error: no project at/);
    expect(missing.stdout).toBe('');
  });
});

describe('the two-thread import', () => {
  it('stores exactly what the one-thread import stores', async () => {
    const files = [CONN, 'suricata-eve/slips-test6-malicious.eve.json', 'web-access/elastic-examples.apache_logs.log'];
    const digests = [];
    for (const parallel of [false, true]) {
      const p = openProject(path.join(tempDir(), 'p.rosas'), { create: true });
      for (const f of files) await importFile(p.db, samplePath(f), { labelColumn: f === CONN ? 'label' : undefined }, { parallel });
      // Times differ run to run; everything else must not.
      p.db.exec("UPDATE sources SET started_at = '', finished_at = '', seconds = 0, file_path = ''; UPDATE feature_specs SET created_at = ''; DELETE FROM meta; DELETE FROM schema_migrations");
      digests.push(projectDigest(p));
      p.close();
    }
    expect(digests[1]).toBe(digests[0]);
  });
});
