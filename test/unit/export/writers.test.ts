import { describe, expect, it } from 'vitest';
import { csvField, exportFieldNames, neutraliseFormula } from '../../../src-main/core/export/writers';

describe('CSV cells and export column names', () => {
  it('neutralises what a spreadsheet would evaluate, and nothing that is plain data', () => {
    for (const bad of ["=cmd|' /C calc'!A0", '+1+1', '-2+3', '@SUM(A1)', '\t=1', '\r=1', '  =1', '＝1', '-x', '+33 1 23']) expect(neutraliseFormula(bad)).toBe(`'${bad}`);
    for (const ok of ['-', '-1', '-0.5', '-1e5', '', 'a=b', '<script>alert(1)</script>', "it's", '1+1']) expect(neutraliseFormula(ok)).toBe(ok);
  });

  it('quotes (RFC 4180) exactly the fields holding a comma, a quote, CR or LF', () => {
    expect(csvField('plain text')).toBe('plain text');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('a\nb')).toBe('"a\nb"');
    expect(csvField('a\rb')).toBe('"a\rb"');
    expect(csvField("'=x")).toBe("'=x");
  });

  it('keeps a field named like an export column under field.<name>, without case, never twice', () => {
    const names = exportFieldNames([
      { pos: 0, name: 'label' },
      { pos: 1, name: 'Score' },
      { pos: 2, name: 'field.label' },
      { pos: 3, name: 'RAW' },
      { pos: 4, name: 'host' },
    ]).map((c) => c.name);
    expect(names).toEqual(['field.field.label', 'field.Score', 'field.label', 'field.RAW', 'host']);
  });
});
