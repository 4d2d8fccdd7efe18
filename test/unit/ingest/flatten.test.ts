import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { flatten } from '../../../src-main/core/ingest/flatten';
import { samplePath } from '../../helpers/samples';

describe('flatten', () => {
  it('turns nested objects into dotted names and keeps dotted literal keys', () => {
    expect(flatten({ ts: 1.5, 'id.orig_h': '10.0.0.1', alert: { signature: 'X', severity: 2, meta: { on: true } } })).toEqual({
      ts: 1.5,
      'id.orig_h': '10.0.0.1',
      'alert.signature': 'X',
      'alert.severity': 2,
      'alert.meta.on': true,
    });
  });

  it('omits null, undefined and empty objects; keeps empty strings', () => {
    expect(flatten({ a: null, b: undefined, c: {}, d: { e: null }, f: '', g: 0, h: false })).toEqual({ f: '', g: 0, h: false });
  });

  it('keeps lists of scalars as lists, dropping nulls, and keeps empty lists', () => {
    const out = flatten({ tags: [], fps: ['a', 'b'], mixed: [1, null, 'x', true], nulls: [null] });
    expect(out).toEqual({ tags: [], fps: ['a', 'b'], mixed: [1, 'x', true], nulls: [] });
  });

  it('keeps lists that hold objects or lists as JSON text', () => {
    const out = flatten({ resources: [{ ARN: 'arn:x' }, { ARN: 'arn:y' }], grid: [[1, 2], [3]], part: [1, { a: null }] });
    expect(out).toEqual({ resources: '[{"ARN":"arn:x"},{"ARN":"arn:y"}]', grid: '[[1,2],[3]]', part: '[1,{"a":null}]' });
  });

  it('keeps objects deeper than maxDepth as JSON text under their path', () => {
    const deep = { a: { b: { c: { d: { e: { f: 1 } }, d2: 5 } } } };
    expect(flatten(deep)).toEqual({ 'a.b.c.d': '{"e":{"f":1}}', 'a.b.c.d2': 5 });
    expect(flatten(deep, { maxDepth: 1 })).toEqual({ a: '{"b":{"c":{"d":{"e":{"f":1}},"d2":5}}}' });
    expect(flatten(deep, { maxDepth: 10 })).toEqual({ 'a.b.c.d.e.f': 1, 'a.b.c.d2': 5 });
  });

  it('past maxFields, keeps the rest of the object being expanded as JSON text, losing nothing', () => {
    const obj = { x: 1, n: { a: 1, b: 2, c: { d: 3 }, e: null, f: 4 }, m: { g: 5 }, y: 'last' };
    const out = flatten(obj, { maxFields: 2 });
    expect(out).toEqual({ x: 1, 'n.a': 1, n: '{"b":2,"c":{"d":3},"f":4}', m: '{"g":5}', y: 'last' });
  });

  it('stores a "__proto__" key as data, without touching the prototype', () => {
    const out = flatten(JSON.parse('{"__proto__": ["x"], "a": {"__proto__": 1}}') as Record<string, unknown>);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out).sort()).toEqual(['__proto__', 'a.__proto__']);
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')?.value).toEqual(['x']);
  });

  it('is quick on real nested records', () => {
    const lines = fs.readFileSync(samplePath('suricata-eve/slips-test6-malicious.eve.json'), 'utf8').split('\n').filter(Boolean);
    const values = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const start = performance.now();
    let n = 0;
    for (let round = 0; round < 10; round++) for (const v of values) n += Object.keys(flatten(v)).length;
    // 50,000 EVE records: a few hundred ms on a slow machine; generous so it never flakes.
    expect(performance.now() - start).toBeLessThan(3000);
    expect(n).toBeGreaterThan(0);
  });
});
