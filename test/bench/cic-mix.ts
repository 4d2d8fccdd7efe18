// A CIC-IDS2017 mix of stealthy attacks in normal traffic, built at bench time from the two
// CICFlowMeter samples of shared/samples (research-licensed: read in place, written only to a temp
// file, never kept). The Friday head is all BENIGN; the multiclass sample gives the attacks that
// are not flow outliers (bots, web attacks, brute force, infiltration). Isolation Forest finds
// almost none of them: the case the cold start's cover picks exist for (rounds/queue.ts).
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { mulberry32 } from '../../src-main/core/util/random';

const BENIGN_FILE = 'cicflowmeter-csv/cicids2017-friday-ddos.machinelearningcve.head.csv';
const ATTACK_FILE = 'cicflowmeter-csv/cicids2017-multiclass-sample.part-a.csv';
/** Attack families of the multiclass sample kept in the mix (DoS and PortScan are loud: left out). */
const STEALTHY = new Set(['Bot', 'WebAttack', 'BruteForce', 'Infiltration']);
export const CIC_MIX_NAME = 'cic-stealthy-mix';
export const CIC_MIX_LABEL = 'Label';

function rowsOf(file: string): string[][] {
  return parse(fs.readFileSync(file), { relaxColumnCount: false, skipEmptyLines: true }) as string[][];
}

/** Writes the mix as a CSV (attacks' header: trimmed names, pandas' `.1` for the repeated column) into `dir`; returns its path. */
export function writeCicMix(samples: string, dir: string, seed = 1): string {
  const [benignHeader, ...benign] = rowsOf(path.join(samples, BENIGN_FILE));
  const [header, ...attacks] = rowsOf(path.join(samples, ATTACK_FILE));
  if (!benignHeader || !header) throw new Error('a CIC sample has no header');
  // The Friday file repeats `Fwd Header Length`; pandas named the second one `Fwd Header Length.1`.
  const at = new Map<string, number>();
  benignHeader.forEach((raw, i) => {
    const name = raw.trim();
    at.set(at.has(name) ? `${name}.1` : name, i);
  });
  const columns = header.map((name) => {
    const i = at.get(name);
    if (i === undefined) throw new Error(`${BENIGN_FILE} has no column "${name}"`);
    return i;
  });
  const label = header.indexOf(CIC_MIX_LABEL);
  const rows = [
    ...benign.map((r) => columns.map((i, k) => (k === label ? 'BENIGN' : r[i]!.trim()))),
    ...attacks.filter((r) => STEALTHY.has(r[label]!)),
  ];
  // Attacks after the benign rows would make record ids tell them apart: shuffle (Fisher–Yates).
  const rnd = mulberry32(seed);
  for (let i = rows.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [rows[i], rows[j]] = [rows[j]!, rows[i]!];
  }
  for (const r of rows) for (const v of r) if (/[",\r\n]/.test(v)) throw new Error(`a CIC value needs quoting: ${JSON.stringify(v)}`);
  const out = path.join(dir, 'cic-stealthy-mix.csv');
  fs.writeFileSync(out, [header, ...rows].map((r) => r.join(',')).join('\n') + '\n');
  return out;
}
