import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src-main/api/api-error';
import { validateRequest } from '../../../src-main/api/validate';

function rejects(call: unknown, payload: unknown, message: RegExp, code = 'invalid-argument') {
  let err: unknown;
  try {
    validateRequest(call, payload);
  } catch (e) {
    err = e;
  }
  expect(err, `${String(call)} ${JSON.stringify(payload)} should be refused`).toBeInstanceOf(ApiError);
  expect((err as ApiError).code).toBe(code);
  expect((err as ApiError).message).toMatch(message);
}

describe('validateRequest', () => {
  it('refuses calls that are not in the contract', () => {
    rejects('project.delete', {}, /unknown call "project.delete"/, 'unknown-call');
    rejects('__proto__', {}, /unknown call/, 'unknown-call');
    rejects('toString', {}, /unknown call/, 'unknown-call');
    rejects(42, {}, /unknown call 42/, 'unknown-call');
  });

  it('accepts good payloads and returns them as the handler will see them', () => {
    expect(validateRequest('app.info', undefined).request).toEqual({});
    expect(validateRequest('app.info', {}).request).toEqual({});
    expect(validateRequest('project.open', { path: '/a.rosas' }).request).toEqual({ path: '/a.rosas' });
    expect(validateRequest('project.open', { path: '/a.rosas', create: true }).request).toEqual({ path: '/a.rosas', create: true });
    expect(validateRequest('fields.setRole', { name: 'proto', role: null }).request).toEqual({ name: 'proto', role: null });
    expect(validateRequest('quarantine.list', { offset: 0, limit: 50 }).request).toEqual({ offset: 0, limit: 50 });
    expect(
      validateRequest('import.start', {
        files: ['/a.log'],
        options: { format: 'zeek-tsv', labelColumn: 'label', normalValues: ['Benign'], again: false, roles: { proto: 'categorical' }, formatOptions: { year: 2017 } },
      }).request,
    ).toMatchObject({ files: ['/a.log'], options: { labelColumn: 'label', roles: { proto: 'categorical' } } });
  });

  it('refuses extra keys, everywhere', () => {
    rejects('app.info', { verbose: true }, /app.info has an unknown key "verbose"/);
    rejects('project.open', { path: '/a', create: true, force: true }, /unknown key "force"/);
    rejects('import.start', { files: ['/a'], options: { labelColum: 'label' } }, /import.start.options has an unknown key "labelColum"/);
  });

  it('refuses wrong types and missing keys with the path of the problem', () => {
    rejects('project.open', {}, /project.open is missing "path"/);
    rejects('project.open', { path: 5 }, /project.open.path must be a string, got number 5/);
    rejects('project.open', { path: '' }, /must not be empty/);
    rejects('project.open', { path: '/a', create: 'yes' }, /project.open.create must be true or false/);
    rejects('project.open', { path: '/a\0b' }, /NUL/);
    rejects('project.open', { path: 'x'.repeat(5000) }, /longer than/);
    rejects('project.open', 'path', /must be an object, got a string/);
    rejects('project.open', ['/a'], /must be an object, got an array/);
    rejects('project.open', null, /must be an object, got null/);
    rejects('import.preview', { file: '/a', format: 'exe' }, /must be a known format/);
    rejects('import.start', { files: [], options: {} }, /at least 1/);
    rejects('import.start', { files: ['/a', 7], options: {} }, /import.start.files\[1\] must be a string/);
    rejects('import.start', { files: ['/a'] }, /missing "options"/);
    rejects('import.start', { files: ['/a'], options: { roles: { proto: 'root' } } }, /import.start.options.roles.proto must be a known role/);
    rejects('import.start', { files: ['/a'], options: { formatOptions: { year: { $gt: 1 } } } }, /must be a string, number or boolean/);
    rejects('fields.setRole', { name: 'proto' }, /missing "role"/);
    rejects('fields.setRole', { name: 'proto', role: 'admin' }, /must be a known role/);
    rejects('quarantine.list', { offset: -1, limit: 10 }, /offset must be between 0/);
    rejects('quarantine.list', { offset: 0, limit: 10_000 }, /limit must be between 1 and 1000/);
    rejects('quarantine.list', { offset: 0.5, limit: 10 }, /must be an integer/);
    rejects('job.cancel', { jobId: 1 }, /jobId must be a string/);
    rejects('dialog.openProject', {}, /missing "create"/);
  });

  it('is not fooled by prototype tricks', () => {
    rejects('project.open', JSON.parse('{"path": "/a", "__proto__": {"create": true}}'), /unknown key "__proto__"/);
    const roles = validateRequest('import.start', { files: ['/a'], options: { roles: JSON.parse('{"__proto__": "ignore"}') } }).request as { options: { roles: Record<string, string> } };
    expect(Object.getPrototypeOf(roles.options.roles)).toBeNull();
    expect(Object.keys(roles.options.roles)).toEqual(['__proto__']);
    rejects('project.open', new (class { path = '/a'; })(), /must be an object/);
  });

  it('checks the review, label, round, chart and export calls', () => {
    expect(
      validateRequest('review.page', {
        round: 2,
        filter: { label: 'any', sourceId: 1, scoreMin: -0.5, scoreMax: 1, fields: [{ field: 'proto', op: 'eq', value: 'udp' }] },
        columns: ['ts', 'proto'],
        offset: 999_900,
        limit: 100,
        view: 'v-1',
      }).request,
    ).toMatchObject({ round: 2, filter: { label: 'any', scoreMin: -0.5 }, limit: 100 });
    expect(validateRequest('labels.set', { ids: [1, 2], label: null, note: '' }).request).toEqual({ ids: [1, 2], label: null, note: '' });
    expect(validateRequest('rounds.train', {}).request).toEqual({});
    expect(validateRequest('rounds.train', { epochs: 5, seed: 0, method: 'auto' }).request).toEqual({ epochs: 5, seed: 0, method: 'auto' });
    expect(validateRequest('rounds.train', { stopping: 'cross-fit' }).request).toEqual({ stopping: 'cross-fit' });
    expect(validateRequest('export.run', { format: 'ndjson', onlyLabeled: true, path: '~/out.ndjson', overwrite: true }).request).toMatchObject({ format: 'ndjson' });

    rejects('rounds.train', { stopping: 'oracle' }, /must be a known stopping rule/);
    rejects('review.page', { filter: {}, columns: [], offset: 0, limit: 1001 }, /limit must be between 1 and 1000/);
    rejects('review.page', { filter: { label: 'maybe' }, columns: [], offset: 0, limit: 1 }, /must be a known label filter/);
    rejects('review.page', { filter: { scoreMin: 'low' }, columns: [], offset: 0, limit: 1 }, /scoreMin must be a number/);
    rejects('review.page', { filter: { fields: [{ field: 'a', op: 'regex', value: '.*' }] }, columns: [], offset: 0, limit: 1 }, /must be a known operator/);
    rejects('review.page', { filter: { fields: [{ field: 'a', op: 'eq' }] }, columns: [], offset: 0, limit: 1 }, /missing "value"/);
    rejects('review.page', { filter: { sql: '1=1' }, columns: [], offset: 0, limit: 1 }, /unknown key "sql"/);
    rejects('review.page', { filter: {}, columns: Array(65).fill('x'), offset: 0, limit: 1 }, /at most 64 items/);
    rejects('review.ids', { filter: {}, offset: 0, limit: 50_001 }, /limit must be between 1 and 50000/);
    rejects('record.get', { id: 0 }, /id must be between 1/);
    rejects('record.explain', { id: 1.5 }, /must be an integer/);
    rejects('labels.set', { ids: [], label: 'anomaly' }, /at least 1/);
    rejects('labels.set', { ids: [1], label: 'bad' }, /must be a known label/);
    rejects('labels.set', { ids: [1] }, /missing "label"/);
    rejects('labels.set', { ids: ['1'], label: 'normal' }, /ids\[0\] must be an integer/);
    rejects('labels.set', { ids: Array(50_001).fill(1), label: 'normal' }, /at most 50000 items/);
    rejects('labels.set', { ids: [1], label: 'normal', note: 'x'.repeat(5000) }, /longer than/);
    rejects('labels.set', { ids: [1], label: 'normal', author: 'mallory' }, /unknown key "author"/);
    rejects('rounds.train', { epochs: 0 }, /epochs must be between 1/);
    rejects('rounds.train', { method: 'svm' }, /must be a known training method/);
    rejects('rounds.train', { seed: -1 }, /seed must be between 0/);
    rejects('rounds.compare', { a: 1 }, /missing "b"/);
    rejects('charts.scoreHistogram', { bins: 1 }, /bins must be between 2 and 200/);
    rejects('charts.discovery', { round: 1 }, /unknown key "round"/);
    rejects('export.run', { format: 'xlsx', onlyLabeled: true }, /must be a known export format/);
    rejects('export.run', { format: 'csv' }, /missing "onlyLabeled"/);
    rejects('export.run', { format: 'csv', onlyLabeled: true, path: '' }, /must not be empty/);
  });

  it('finds every file path of a request, absolute, with its kind and place, for the path policy', () => {
    const home = os.homedir();
    expect(validateRequest('project.open', { path: '~/cases/a.rosas' })).toMatchObject({
      request: { path: path.join(home, 'cases/a.rosas') },
      paths: [{ kind: 'project', path: path.join(home, 'cases/a.rosas'), at: 'project.open.path' }],
    });
    expect(validateRequest('import.preview', { file: 'rel/x.log' }).paths).toEqual([{ kind: 'read', path: path.resolve('rel/x.log'), at: 'import.preview.file' }]);
    expect(validateRequest('import.start', { files: ['/a.log', '/b/../c.log'], options: {} }).paths).toEqual([
      { kind: 'read', path: '/a.log', at: 'import.start.files[0]' },
      { kind: 'read', path: '/c.log', at: 'import.start.files[1]' },
    ]);
    const exp = validateRequest('export.run', { format: 'csv', onlyLabeled: true, path: '~/out.csv', overwrite: true });
    expect(exp.request).toMatchObject({ path: path.join(home, 'out.csv') });
    expect(exp.paths).toEqual([{ kind: 'write', path: path.join(home, 'out.csv'), at: 'export.run.path' }]);
    // Strings that are not paths are not collected.
    expect(validateRequest('export.run', { format: 'csv', onlyLabeled: true }).paths).toEqual([]);
    expect(validateRequest('labels.set', { ids: [1], label: 'normal', note: '/etc/passwd' }).paths).toEqual([]);
    expect(validateRequest('import.start', { files: ['/a.log'], options: { labelColumn: '/x', formatOptions: { p: '/y' } } }).paths).toHaveLength(1);
  });
});
