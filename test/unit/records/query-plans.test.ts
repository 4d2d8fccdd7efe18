import { describe, expect, it } from 'vitest';
import { LABELS_BY_IDS_SQL } from '../../../src-main/core/labels/labels';
import { fieldMatchSql } from '../../../src-main/core/records/filter';
import { recordsSql } from '../../../src-main/core/records/read';
import { ROUND_SCORES_SQL } from '../../../src-main/core/rounds/ranking';
import { loadMigrations } from '../../../src-main/core/project/migrate';
import { createDb, queryPlan, updateToVersion } from '../../helpers/sql';

// The read model's hot statements, as the code prepares them, must reach records and labels by
// primary key or index: a full scan of either costs a 1M-record project a second per page.

const db = createDb();
updateToVersion(db, loadMigrations().length);

/** Plan lines that read `table` (by its name or its alias in the statement) without a key. */
function scans(plan: string[], table: string, alias: string): string[] {
  return plan.filter((line) => new RegExp(`^SCAN (${table}|${alias})\\b`).test(line));
}

function expectKeyed(plan: string[], ...tables: Array<[table: string, alias: string]>): void {
  for (const [table, alias] of tables) {
    expect(scans(plan, table, alias), plan.join('\n')).toEqual([]);
    expect(plan.some((line) => new RegExp(`^SEARCH (${table}|${alias}) USING (INTEGER PRIMARY KEY|INDEX|COVERING INDEX)`).test(line)), plan.join('\n')).toBe(true);
  }
}

describe('query plans of the records read model', () => {
  it('reads a page of records by ids with their source and label by primary key', () => {
    for (const labeledOnly of [false, true]) {
      expectKeyed(queryPlan(db, recordsSql('ids', labeledOnly), '[1,2,3]'), ['records', 'r'], ['sources', 's'], ['labels', 'l']);
    }
  });

  it('reads one record with its source and label by primary key', () => {
    expectKeyed(queryPlan(db, recordsSql('id'), 7), ['records', 'r'], ['sources', 's'], ['labels', 'l']);
  });

  it('pages records in id order by primary key range (export)', () => {
    for (const labeledOnly of [false, true]) {
      const plan = queryPlan(db, recordsSql('after', labeledOnly), 0, 1000);
      expectKeyed(plan, ['records', 'r'], ['labels', 'l']);
      // Keyset paging: rows come in key order, no sort of the whole table first.
      expect(plan.some((line) => line.includes('TEMP B-TREE')), plan.join('\n')).toBe(false);
    }
  });

  it('reads labels by record ids by primary key', () => {
    expectKeyed(queryPlan(db, LABELS_BY_IDS_SQL, '[1,2,3]'), ['labels', 'labels']);
  });

  it('reads the scores of a round by primary key', () => {
    expectKeyed(queryPlan(db, ROUND_SCORES_SQL, 1), ['rounds', 'r'], ['scores', 's']);
  });

  it('tests a field over candidate ids or an id range by primary key', () => {
    for (const op of ['eq', 'contains'] as const) {
      expectKeyed(queryPlan(db, fieldMatchSql(op, 'ids'), { at: '$[0]', v: 'x', ids: '[1,2]' }), ['records', 'r']);
      expectKeyed(queryPlan(db, fieldMatchSql(op, 'range'), { at: '$[0]', v: 'x', from: 1, to: 9 }), ['records', 'r']);
    }
  });
});
