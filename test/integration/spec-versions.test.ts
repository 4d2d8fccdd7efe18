import { describe, expect, it } from 'vitest';
import { explainRecord } from '../../src-main/core/explain/explain';
import { buildMatrix } from '../../src-main/core/features/featurize';
import { latestSpec, specById, specCount } from '../../src-main/core/features/spec-store';
import { projectInfo } from '../../src-main/core/project/info';
import { getRound } from '../../src-main/core/rounds/store';
import { trainRound } from '../../src-main/core/rounds/train-round';
import { mulberry32 } from '../../src-main/core/util/random';
import { importInto, newProject } from '../helpers/project';
import { samplePath, writeTemp } from '../helpers/samples';

const CONN = 'zeek-tsv/ctu-normal-40-day1.conn.log.labeled';
/** Fields of the NDJSON file below that a Zeek conn log does not have, and that make columns. */
const NEW_FIELDS = ['bytes_out', 'latency_ms', 'status', 'client'];

/** Application events: fields a Zeek conn log does not have. `extra` adds fields to every event. */
function appEvents(seed: number, n: number, extra: (i: number) => Record<string, unknown> = () => ({})): string {
  const r = mulberry32(seed);
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const event = {
      bytes_out: Math.round(500 + 1000 * r()),
      latency_ms: Math.round(20 + 80 * r()),
      status: r() < 0.8 ? 'ok' : 'denied',
      client: `10.1.0.${1 + Math.floor(r() * 20)}`,
      ...extra(i),
    };
    lines.push(JSON.stringify(event));
  }
  return `${lines.join('\n')}\n`;
}

describe('a later import with new fields', () => {
  it('adds a spec version that the next round trains on, while earlier rounds keep theirs', async () => {
    const project = newProject();
    const db = project.db;
    const first = await importInto(project, samplePath(CONN), { labelColumn: 'label' });
    const spec1 = latestSpec(db)!;
    expect(first.featureSpec).toEqual({ id: spec1.id, previousId: null, newFields: [] });
    expect(first.warnings.join('\n')).not.toMatch(/join the model/);

    await trainRound(db, { method: 'iforest' });
    expect(getRound(db, 1).featureSpecId).toBe(spec1.id);
    const connId = first.firstRecordId! + 10;
    const before = await explainRecord(db, connId, { round: 1 });

    // Another format with fields of its own: they join the spec as a new version.
    const events = await importInto(project, writeTemp('app.ndjson', appEvents(1, 400)), { format: 'ndjson' });
    const spec2 = latestSpec(db)!;
    expect(spec2.id).toBe(spec1.id + 1);
    expect(events.featureSpec).toEqual({ id: spec2.id, previousId: spec1.id, newFields: NEW_FIELDS });
    expect(events.warnings).toContainEqual(expect.stringMatching(new RegExp(`new fields join the model from the next round: .*\\(feature spec #${spec2.id}\\)`)));
    for (const f of NEW_FIELDS) {
      expect(spec2.spec.fieldOfColumn).toContain(f);
      expect(spec1.spec.fieldOfColumn).not.toContain(f);
    }
    // Records of the new file lack the conn fields: the rebuilt spec flags them missing.
    expect(spec2.spec.names).toContain('orig_bytes (missing)');
    expect(specById(db, spec1.id)).toEqual(spec1.spec);
    expect(projectInfo(db, project.path).features).toEqual({ specId: spec2.id, dim: spec2.spec.dim, versions: 2 });

    // The old round still explains with its own spec, and scores as it did.
    const after = await explainRecord(db, connId, { round: 1 });
    expect(after.score).toBe(before.score);
    expect(after.fields.map((f) => f.field).sort()).toEqual(before.fields.map((f) => f.field).sort());
    for (const f of after.fields) for (const c of f.columns) expect(spec1.spec.names).toContain(c.column);
    const eventId = events.firstRecordId!;
    const oldOnNew = await explainRecord(db, eventId, { round: 1 });
    for (const f of oldOnNew.fields) expect(spec1.spec.fieldOfColumn).toContain(f.field);

    // The next round trains on the new version; its matrix has the new fields' columns.
    await trainRound(db, { method: 'iforest' });
    expect(getRound(db, 2).featureSpecId).toBe(spec2.id);
    expect(getRound(db, 1).featureSpecId).toBe(spec1.id);
    const m = buildMatrix(db, specById(db, spec2.id), { where: { firstId: eventId, lastId: eventId } });
    const col = spec2.spec.names.indexOf('bytes_out');
    expect(col).toBeGreaterThanOrEqual(0);
    expect(m.dim).toBe(spec2.spec.dim);
    expect(m.x[col]).not.toBe(0);
    const explained = await explainRecord(db, eventId, { round: 2 });
    expect(explained.fields.map((f) => f.field)).toEqual(expect.arrayContaining(NEW_FIELDS));

    // A file with the same fields, or with only fields that make no columns, keeps the version.
    const same = await importInto(project, writeTemp('app2.ndjson', appEvents(2, 300)), { format: 'ndjson' });
    expect(same.featureSpec).toEqual({ id: spec2.id, previousId: spec2.id, newFields: [] });
    const ids = await importInto(project, writeTemp('app3.ndjson', appEvents(3, 300, (i) => ({ request_id: `req-${i}-${i * 7919}` }))), { format: 'ndjson' });
    expect(ids.fields.find((f) => f.name === 'request_id')!.role).toBe('identifier');
    expect(ids.featureSpec).toEqual({ id: spec2.id, previousId: spec2.id, newFields: [] });
    expect(ids.warnings.join('\n')).not.toMatch(/join the model/);
    expect(specCount(db)).toBe(2);
    project.close();
  });

  it('a role given with a later import for a field already there rebuilds the spec', async () => {
    const project = newProject();
    await importInto(project, writeTemp('app.ndjson', appEvents(1, 300)), { format: 'ndjson' });
    const spec1 = latestSpec(project.db)!;
    expect(spec1.spec.fieldOfColumn).toContain('status');
    const s = await importInto(project, writeTemp('app2.ndjson', appEvents(2, 300)), { format: 'ndjson', roles: { status: 'ignore' } });
    expect(s.featureSpec).toEqual({ id: spec1.id + 1, previousId: spec1.id, newFields: [] });
    expect(s.warnings).toContainEqual(expect.stringMatching(/roles given changed the model's features .*feature spec #/));
    expect(latestSpec(project.db)!.spec.fieldOfColumn).not.toContain('status');
    project.close();
  });
});
