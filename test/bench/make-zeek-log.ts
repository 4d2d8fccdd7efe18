// node dist-main/make-zeek-log.js OUT RECORDS — writes the synthetic Zeek conn.log of
// synthetic-zeek.ts, for benchmarks that are not TypeScript (bench-round.mjs).
import { writeSyntheticZeekConn } from './synthetic-zeek';

const [, , out, records] = process.argv;
if (!out || !Number.isSafeInteger(Number(records)) || Number(records) < 1) {
  console.error('usage: node dist-main/make-zeek-log.js OUT RECORDS');
  process.exit(2);
}
console.log(writeSyntheticZeekConn(out, Number(records)));
