// A synthetic Zeek conn.log of any size for the speed benchmarks (bench:import, bench:round): the
// shared CTU sample's rows repeated with varied addresses, ports, sizes and times, seeded.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from '../../src-main/core/util/random';

const SAMPLE = 'samples/zeek-tsv/ctu-normal-40-day1.conn.log.labeled';

function sharedDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const found = [process.env.ROSAS_SHARED, path.resolve(here, '..', '..', 'shared'), path.resolve(here, '..', '..', '..', 'shared'), '/work/shared'].find(
    (d) => d && fs.existsSync(path.join(d, SAMPLE)),
  );
  if (!found) throw new Error(`cannot find shared/${SAMPLE}; set ROSAS_SHARED`);
  return found;
}

/** Writes `records` synthetic Zeek conn records to `out` with bounded memory; returns the file's size. */
export function writeSyntheticZeekConn(out: string, records: number): number {
  const lines = fs.readFileSync(path.join(sharedDir(), SAMPLE), 'utf8').split('\n');
  const header = lines.filter((l) => l.startsWith('#'));
  const rows = lines.filter((l) => l && !l.startsWith('#')).map((l) => l.split('\t'));
  const cols = header.find((h) => h.startsWith('#fields'))!.split('\t').slice(1);
  const at = (name: string) => cols.indexOf(name);
  const [ts, uid, oh, op, rh, rp, dur, ob, rb] = ['ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'duration', 'orig_bytes', 'resp_bytes'].map(at);
  const rnd = mulberry32(42);
  const fd = fs.openSync(out, 'w');
  fs.writeSync(fd, header.join('\n') + '\n');
  const start = 1655071198;
  let chunk: string[] = [];
  const scale = (v: string) => (v === '-' ? v : String(Math.round(Number(v) * (0.25 + 4 * rnd()))));
  for (let i = 0; i < records; i++) {
    const r = rows[i % rows.length]!.slice();
    r[ts!] = (start + i * 0.05 + rnd() * 0.05).toFixed(6);
    r[uid!] = `C${(i * 2654435761 >>> 0).toString(36)}${i.toString(36)}`;
    r[oh!] = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    r[op!] = String(1024 + Math.floor(rnd() * 64000));
    if (rnd() < 0.3) r[rh!] = `${1 + Math.floor(rnd() * 223)}.${Math.floor(rnd() * 256)}.${Math.floor(rnd() * 256)}.${Math.floor(rnd() * 256)}`;
    if (rnd() < 0.1) r[rp!] = String(Math.floor(rnd() * 65536));
    if (r[dur!] !== '-') r[dur!] = (Number(r[dur!]) * (0.5 + rnd())).toFixed(6);
    r[ob!] = scale(r[ob!]!);
    r[rb!] = scale(r[rb!]!);
    chunk.push(r.join('\t'));
    if (chunk.length === 10_000) {
      fs.writeSync(fd, chunk.join('\n') + '\n');
      chunk = [];
    }
  }
  if (chunk.length) fs.writeSync(fd, chunk.join('\n') + '\n');
  fs.closeSync(fd);
  return fs.statSync(out).size;
}
