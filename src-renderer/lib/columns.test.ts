import { describe, expect, it } from 'vitest';
import type { Role } from '../../src-main/api/contract';
import { defaultColumns } from './columns';
import { loadColumns, saveColumns } from './columns-store';

const f = (name: string, role: Role) => ({ name, role });
const conn = [
  f('ts', 'timestamp'), f('uid', 'identifier'), f('id.orig_h', 'ip'), f('id.orig_p', 'port'), f('id.resp_h', 'ip'), f('id.resp_p', 'port'), f('proto', 'categorical'),
  f('service', 'categorical'), f('duration', 'numeric'), f('orig_bytes', 'numeric'), f('resp_bytes', 'numeric'), f('conn_state', 'categorical'), f('history', 'categorical'),
  f('label', 'label'), f('detailedlabel', 'categorical'),
];

describe('default review columns', () => {
  it('for a Zeek conn log: time, addresses, ports, service, bytes', () => {
    expect(defaultColumns(conn, ['zeek-tsv'])).toEqual(['ts', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'proto', 'service', 'duration', 'orig_bytes', 'resp_bytes']);
  });

  it('never shows the ground-truth column by default', () => {
    expect(defaultColumns([f('label', 'label'), f('x', 'numeric')], ['csv'])).toEqual(['x']);
  });

  it('matches names without case and picks by role when the format names too few', () => {
    const web = [f('CLIENT_IP', 'ip'), f('time', 'timestamp'), f('method', 'categorical'), f('path', 'categorical'), f('status', 'categorical'), f('bytes', 'numeric')];
    expect(defaultColumns(web, ['apache'])).toEqual(['time', 'CLIENT_IP', 'method', 'path', 'status', 'bytes']);
    const other = [f('n', 'numeric'), f('when', 'timestamp'), f('id', 'identifier'), f('host', 'ip'), f('kind', 'categorical'), f('junk', 'ignore')];
    expect(defaultColumns(other, ['csv'])).toEqual(['when', 'host', 'kind', 'n']);
  });

  it('are remembered per project', () => {
    const store = new Map<string, string>();
    const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) } as Storage;
    expect(loadColumns(storage, '/a.rosas')).toBeNull();
    saveColumns(storage, '/a.rosas', ['ts', 'proto']);
    expect(loadColumns(storage, '/a.rosas')).toEqual(['ts', 'proto']);
    expect(loadColumns(storage, '/b.rosas')).toBeNull();
    store.set('rosas.columns.v1:/c.rosas', '{"not":"a list"}');
    expect(loadColumns(storage, '/c.rosas')).toBeNull();
    expect(loadColumns(undefined, '/a.rosas')).toBeNull();
  });
});
