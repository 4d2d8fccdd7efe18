/**
 * Reads the shared benchmark CSVs (`/work/shared/datasets`, optionally gzipped): one header line,
 * numeric features, last column `label` (0/1). Streamed, so the 286k-row file never sits in memory
 * as text. Values are kept as float64 because the protocol scales in float64 before the model's float32.
 */
import fs from 'node:fs';
import readline from 'node:readline';
import zlib from 'node:zlib';
import { RosasError } from '../errors';

export interface Dataset {
  /** Feature names (the label column excluded). */
  names: string[];
  /** rows × dim, row-major. */
  x: Float64Array;
  rows: number;
  dim: number;
  labels: Uint8Array;
}

/**
 * Lines of a (gzipped) text file; read errors, including a corrupt gzip, reject `failed` (race it
 * against the reading: readline does not forward the gunzip stream's errors).
 */
export function openLines(file: string) {
  const raw = fs.createReadStream(file);
  const input = file.endsWith('.gz') ? raw.pipe(zlib.createGunzip()) : raw;
  const failed = new Promise<never>((_, reject) => {
    const fail = (e: Error) => reject(new RosasError('format', `cannot read: ${e.message}`, { file }));
    raw.on('error', fail);
    if (input !== raw) input.on('error', fail);
  });
  failed.catch(() => undefined); // reported through the race, or irrelevant once the reading has failed
  const lines = readline.createInterface({ input, crlfDelay: Infinity });
  return {
    lines,
    failed,
    close() {
      lines.close();
      raw.destroy();
    },
  };
}

/** The column names of a CSV header line (a byte-order mark dropped). */
export function headerFields(line: string): string[] {
  return line.replace(/^\uFEFF/, '').split(',').map((s) => s.trim());
}

/** Rows per growth step of the value buffer; chunks are joined once at the end. */
const CHUNK_ROWS = 16384;

export async function loadDataset(file: string): Promise<Dataset> {
  if (!fs.existsSync(file)) throw new RosasError('not-found', 'dataset file not found', { file });
  const src = openLines(file);

  let names: string[] | undefined;
  let dim = 0;
  let rows = 0;
  const chunks: Float64Array[] = [];
  const labelChunks: Uint8Array[] = [];
  let chunk = new Float64Array(0);
  let labelChunk = new Uint8Array(0);
  let lineNo = 0;

  const read = async () => {
    for await (const line of src.lines) {
      lineNo++;
      if (names === undefined) {
        const header = headerFields(line);
        if (header.length < 2 || header[header.length - 1] !== 'label') {
          throw new RosasError('format', `header must list the features and end with "label", got "${line.slice(0, 80)}"`, { file, line: 1 });
        }
        names = header.slice(0, -1);
        dim = names.length;
        continue;
      }
      if (line === '') continue;
      const fields = line.split(',');
      if (fields.length !== dim + 1) {
        throw new RosasError('format', `expected ${dim + 1} fields, found ${fields.length}`, { file, line: lineNo });
      }
      const at = rows % CHUNK_ROWS;
      if (at === 0) {
        chunk = new Float64Array(CHUNK_ROWS * dim);
        labelChunk = new Uint8Array(CHUNK_ROWS);
        chunks.push(chunk);
        labelChunks.push(labelChunk);
      }
      for (let j = 0; j <= dim; j++) {
        const s = fields[j]!;
        const v = Number(s);
        // Number('') is 0 and Number('Infinity') is finite-looking: both are bad data here.
        if (s.trim() === '' || !Number.isFinite(v)) {
          throw new RosasError('format', `"${s}" is not a finite number`, { file, line: lineNo, field: j < dim ? names[j] : 'label' });
        }
        if (j < dim) chunk[at * dim + j] = v;
        else if (v === 0 || v === 1) labelChunk[at] = v;
        else throw new RosasError('format', `label must be 0 or 1, got "${s}"`, { file, line: lineNo, field: 'label' });
      }
      rows++;
    }
  };
  try {
    await Promise.race([read(), src.failed]);
  } finally {
    src.close();
  }
  if (names === undefined) throw new RosasError('format', 'empty file: no header line', { file });

  const x = new Float64Array(rows * dim);
  const labels = new Uint8Array(rows);
  chunks.forEach((c, i) => {
    const n = Math.min(CHUNK_ROWS, rows - i * CHUNK_ROWS);
    x.set(c.subarray(0, n * dim), i * CHUNK_ROWS * dim);
    labels.set(labelChunks[i]!.subarray(0, n), i * CHUNK_ROWS);
  });
  return { names, x, rows, dim, labels };
}
