// npm run bench:csv — the hand-written CSV/TSV reader against csv-parse (a maintained streaming
// parser with per-record error recovery), on speed and on what each recovers from broken input.
// Both read the same text in the same process, alternately; csv-parse gets its most lenient
// options (relax_quotes, relax_column_count off so a wrong width is an error it can skip,
// skip_records_with_error). Ours runs through the real reading pipeline (lines, quarantine).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as csvParse } from 'csv-parse';
import { csv } from '../../src-main/core/ingest/formats/csv';
import { parseFile } from '../../src-main/core/ingest/parse-stream';
import { inspectFile } from '../../src-main/core/ingest/read-lines';
import { samplePath } from '../helpers/samples';

const ROWS = Number(process.env.BENCH_ROWS ?? 200_000);
const ROUNDS = 3;

/** Ours: records and quarantined lines, through parseFile as an import reads. */
async function ours(file: string): Promise<{ records: number; bad: number }> {
  let records = 0;
  let bad = 0;
  for await (const b of parseFile(file, await inspectFile(file), csv, { fileName: 'x', fileMtimeMs: 0, options: {} })) {
    for (const u of b.units) {
      if (u.kind === 'record') records++;
      else bad++;
    }
  }
  return { records, bad };
}

/** csv-parse, streaming from the file: records it gives and records it skips with an error. */
function theirs(file: string): Promise<{ records: number; bad: number }> {
  return new Promise((resolve, reject) => {
    let records = 0;
    let bad = 0;
    const parser = csvParse({ relax_quotes: true, skip_records_with_error: true, skip_empty_lines: true, bom: true, from_line: 2, on_skip: () => void bad++ });
    parser.on('readable', () => {
      while (parser.read() !== null) records++;
    });
    parser.on('error', reject);
    parser.on('end', () => resolve({ records, bad }));
    fs.createReadStream(file).pipe(parser);
  });
}

async function timed(fn: () => Promise<{ records: number; bad: number }>) {
  const t = performance.now();
  const r = await fn();
  return { ...r, seconds: (performance.now() - t) / 1000 };
}

function table(delim: string, n: number, bad: Record<number, string>): string {
  const rows = [['a', 'b', 'c', 'd'].join(delim)];
  for (let i = 0; i < n; i++) rows.push(bad[i] ?? [i, i * 2, `Mozilla ${i}`, `x${i}`].join(delim));
  return rows.join('\n') + '\n';
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rosas-bench-csv-'));
  try {
    // Speed: the CIC-IDS2017 sample (79 columns, real values) repeated to ROWS rows.
    const [header, ...body] = fs.readFileSync(samplePath('cicflowmeter-csv/cicids2017-friday-ddos.machinelearningcve.head.csv'), 'utf8').split('\n').filter(Boolean);
    const big = path.join(dir, 'cic.csv');
    const out = [header!];
    for (let i = 0; out.length <= ROWS; i++) out.push(body[i % body.length]!);
    fs.writeFileSync(big, out.join('\n') + '\n');
    const mb = fs.statSync(big).size / 1048576;
    console.log(`speed: ${ROWS.toLocaleString('en')} rows x 79 columns (${mb.toFixed(0)} MiB), ${ROUNDS} rounds, alternately; load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
    const times = { ours: [] as number[], theirs: [] as number[] };
    for (let r = 0; r < ROUNDS; r++) {
      const a = await timed(() => ours(big));
      const b = await timed(() => theirs(big));
      if (a.records !== ROWS || b.records !== ROWS) throw new Error(`record counts differ: ours ${a.records}, csv-parse ${b.records}`);
      times.ours.push(a.seconds);
      times.theirs.push(b.seconds);
    }
    const best = (xs: number[]) => Math.min(...xs);
    console.log(`  ours (split + typed values + line accounting): best ${best(times.ours).toFixed(2)} s = ${Math.round(ROWS / best(times.ours)).toLocaleString('en')} rows/s`);
    console.log(`  csv-parse 7 (split only, strings):            best ${best(times.theirs).toFixed(2)} s = ${Math.round(ROWS / best(times.theirs)).toLocaleString('en')} rows/s`);

    // Recovery: the repros of issue 10, records kept out of the good ones.
    const cases: Array<[string, string, number]> = [
      ['unterminated quote at row 100 of 20,000', table(',', 20_000, { 99: '1,2,"Mozilla compatible' }), 19_999],
      ['stray quote, a quoted field 3 rows later', table(',', 1000, { 10: '1,"open,x,y', 13: '3,"closed here",w,z' }), 999],
      ['unterminated quotes every 1,000 rows', table(',', 20_000, Object.fromEntries(Array.from({ length: 20 }, (_, k) => [k * 1000 + 5, `${k},"oops,a,b`]))), 19_980],
    ];
    console.log('\nrecovery (records read / good records in the file; lines quarantined or skipped):');
    for (const [name, text, good] of cases) {
      const file = path.join(dir, 'case.csv');
      fs.writeFileSync(file, text);
      const a = await ours(file);
      const b = await theirs(file);
      console.log(`  ${name.padEnd(42)} ours ${a.records}/${good} (${a.bad} quarantined)   csv-parse ${b.records}/${good} (${b.bad} skipped)`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
