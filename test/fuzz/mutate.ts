import fc from 'fast-check';

/**
 * What an attacker or a broken exporter does to a line: flip a byte, cut it short, insert
 * quotes, NUL, CR, line breaks, terminal escapes, deep nesting, a huge field, or names that
 * collide with others or with JavaScript internals.
 */
export const INSERTS = [
  '"',
  '""',
  '\0',
  '\r',
  '\n',
  '\t',
  ',',
  '\\',
  '{',
  '}',
  '[',
  ']',
  '\ufeff',
  '\x1b[2J',
  '\x1b]52;c;cm0gLXJmIH4=\x07',
  '\x1b]0;pwned\x07',
  '\u009b31m',
  '\u202e',
  '\ud800',
  '=cmd|" /C calc"!A0',
  '"__proto__":{"polluted":1},',
  '"constructor":"x",',
  '"USER":"a","User":"b","user":"c",',
  '"a":'.repeat(3) + '1',
] as const;

export type Mutation =
  | { kind: 'flip'; line: number; at: number; byte: number }
  | { kind: 'truncate'; line: number; at: number }
  | { kind: 'insert'; line: number; at: number; text: number }
  | { kind: 'deep'; line: number; levels: number }
  | { kind: 'huge'; line: number; at: number; size: number }
  | { kind: 'duplicate'; line: number }
  | { kind: 'delete'; line: number };

const line = fc.nat({ max: 10_000 });
const at = fc.nat({ max: 100_000 });

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('flip' as const), line, at, byte: fc.integer({ min: 0, max: 255 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('truncate' as const), line, at }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('insert' as const), line, at, text: fc.nat({ max: INSERTS.length - 1 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('deep' as const), line, levels: fc.oneof(fc.integer({ min: 1, max: 300 }), fc.constant(20_000)) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('huge' as const), line, at, size: fc.oneof(fc.constant(70_000), fc.constant(1_100_000)) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('duplicate' as const), line }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), line }) },
);

/** The lines of a file, as bytes, each with the index of the seed line it came from (-1: none). */
export interface Built {
  lines: Buffer[];
  origin: number[];
  /** Seed lines that a mutation touched: their fate is free, the others must read as before. */
  touched: Set<number>;
}

/** Applies mutations in order to lines; line and position indexes wrap around what is there. */
export function applyMutations(texts: string[], mutations: Mutation[], protectFrom = 0): Built {
  const lines = texts.map((t) => Buffer.from(t, 'utf8'));
  const origin = texts.map((_, i) => i);
  const touched = new Set<number>();
  for (const m of mutations) {
    if (lines.length <= protectFrom) break;
    // Lines before protectFrom (a header) are only mutated when protectFrom is 0.
    const i = protectFrom + (m.line % (lines.length - protectFrom));
    const cur = lines[i]!;
    const pos = cur.length && 'at' in m ? m.at % (cur.length + 1) : 0;
    if (origin[i]! >= 0) touched.add(origin[i]!);
    switch (m.kind) {
      case 'flip': {
        if (!cur.length) break;
        const b = Buffer.from(cur);
        b[pos % cur.length] = m.byte;
        lines[i] = b;
        break;
      }
      case 'truncate':
        lines[i] = cur.subarray(0, pos);
        break;
      case 'insert':
        lines[i] = Buffer.concat([cur.subarray(0, pos), Buffer.from(INSERTS[m.text]!, 'utf8'), cur.subarray(pos)]);
        break;
      case 'deep':
        lines[i] = Buffer.from('{"a":'.repeat(m.levels) + '1' + '}'.repeat(m.levels));
        break;
      case 'huge':
        lines[i] = Buffer.concat([cur.subarray(0, pos), Buffer.alloc(m.size, 0x78), cur.subarray(pos)]);
        break;
      case 'duplicate':
        lines.splice(i + 1, 0, cur);
        origin.splice(i + 1, 0, -1);
        break;
      case 'delete':
        lines.splice(i, 1);
        origin.splice(i, 1);
        break;
    }
  }
  return { lines, origin, touched };
}
