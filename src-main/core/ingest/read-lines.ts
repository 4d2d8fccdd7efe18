import fs from 'node:fs';
import { isUtf8 } from 'node:buffer';
import zlib from 'node:zlib';
import { RosasError } from '../errors';

/** Lines longer than this are quarantined, not parsed, so one runaway line cannot exhaust memory. */
export const MAX_LINE_BYTES = 4 * 1024 * 1024;
/**
 * JSON formats allow longer lines: S3-delivered CloudTrail files are one line holding every event,
 * which the JSON splitter cuts into records.
 */
export const MAX_JSON_LINE_BYTES = 64 * 1024 * 1024;
/** How much of an oversized line is kept in quarantine. */
export const OVERSIZED_KEEP_BYTES = 64 * 1024;

export interface LineBatch {
  lines: string[];
  /** Line number of lines[0] (1-based, in the decompressed text). */
  firstLineNo: number;
  /** Indexes into `lines` of lines cut at OVERSIZED_KEEP_BYTES because they were longer than MAX_LINE_BYTES. */
  oversized: number[];
  /** Lines in this batch that were not valid UTF-8 and were read as Latin-1 instead. */
  latin1: number;
  /** Bytes of the file (as stored, compressed or not) consumed so far. */
  bytesRead: number;
  /**
   * The compressed data ended early or broke (a .gz still being written): what decompressed is
   * here, the batch's last line is an unfinished tail when `truncatedTail`, and this says why.
   */
  gzipError?: string;
  truncatedTail?: boolean;
}

export type Encoding = 'utf8' | 'utf16le' | 'utf16be';

export interface FileKind {
  gzip: boolean;
  encoding: Encoding;
}

const COMPRESSED: Array<[number[], string]> = [
  [[0x42, 0x5a, 0x68], 'bzip2'],
  [[0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], 'xz'],
  [[0x28, 0xb5, 0x2f, 0xfd], 'zstd'],
  [[0x50, 0x4b, 0x03, 0x04], 'zip'],
  [[0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], '7z'],
];

function startsWith(buf: Buffer, bytes: number[]): boolean {
  return bytes.every((b, i) => buf[i] === b);
}

/** The first `bytes` of a stream, and whether the stream ended (or broke, with its error) before. */
async function readHead(stream: NodeJS.ReadableStream, bytes: number): Promise<{ head: Buffer; whole: boolean; error: Error | null }> {
  const parts: Buffer[] = [];
  let n = 0;
  let error: Error | null = null;
  try {
    for await (const chunk of stream) {
      parts.push(chunk as Buffer);
      n += (chunk as Buffer).length;
      if (n >= bytes) break;
    }
  } catch (err) {
    error = err as Error;
  }
  return { head: Buffer.concat(parts).subarray(0, bytes), whole: n < bytes, error };
}

const HEAD_BYTES = 65536;

/**
 * Looks at the first bytes of a file: gzip or not, text encoding, and refuses what is not text
 * (binary, other archives, empty) with one clear error. `sniff: false` (a format chosen by the
 * user) skips the binary test: stray NUL bytes are then quarantined line by line.
 */
export async function inspectFile(file: string, opts: { sniff?: boolean } = {}): Promise<FileKind> {
  const { head: raw, whole: rawWhole } = await readHead(fs.createReadStream(file, { start: 0, end: HEAD_BYTES - 1 }), HEAD_BYTES);
  const gzip = raw[0] === 0x1f && raw[1] === 0x8b;
  for (const [magic, name] of COMPRESSED) {
    if (startsWith(raw, magic)) {
      throw new RosasError('not-a-log', `this is a ${name} archive, not a log: decompress it first (gzip is read directly)`, { file });
    }
  }
  let head = raw;
  let whole = rawWhole;
  if (gzip) {
    const gunzip = zlib.createGunzip();
    const source = fs.createReadStream(file);
    source.on('error', (e) => gunzip.destroy(e));
    source.pipe(gunzip);
    const read = await readHead(gunzip, HEAD_BYTES);
    source.destroy();
    gunzip.destroy();
    // A .gz cut short still has its first lines: only one that yields nothing is refused here.
    if (read.error && read.head.length === 0) throw new RosasError('not-a-log', `gzip data is corrupt: ${read.error.message}`, { file });
    head = read.head;
    whole = read.whole;
  }
  let encoding: Encoding = 'utf8';
  if (head[0] === 0xff && head[1] === 0xfe) encoding = 'utf16le';
  else if (head[0] === 0xfe && head[1] === 0xff) encoding = 'utf16be';
  // Only blank lines so far: empty if that was all of it; else the sample reader looks further.
  if (head.length === 0 || (whole && encoding === 'utf8' && head.toString('utf8').trim() === '')) {
    throw new RosasError('not-a-log', 'the file is empty', { file });
  }
  if (opts.sniff !== false && encoding === 'utf8' && looksBinary(head)) {
    throw new RosasError('not-a-log', 'this is a binary file, not a text log (if it is a log, choose its format: lines holding NUL bytes are then quarantined)', { file });
  }
  return { gzip, encoding };
}

/**
 * Binary by share, not by one byte: over 1 % NUL or other control bytes (tab, line ends, form
 * feed and the escape of coloured logs aside). A log with a stray NUL is still a log.
 */
function looksBinary(head: Buffer): boolean {
  let control = 0;
  for (let i = 0; i < head.length; i++) {
    const b = head[i]!;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x1b) control++;
  }
  return control > head.length * 0.01;
}

interface ReadState {
  bytesRead: number;
  /** Set when the gzip stream broke: the chunks before it were yielded, then the stream ended. */
  gzipError: string | null;
}

/** Decoded byte chunks of the file: gunzipped and converted to UTF-8 as needed. */
async function* byteChunks(file: string, kind: FileKind, counter: ReadState, signal?: AbortSignal): AsyncGenerator<Buffer> {
  const source = fs.createReadStream(file, { highWaterMark: 1 << 20 });
  source.on('data', (c) => (counter.bytesRead += (c as Buffer).length));
  let stream: NodeJS.ReadableStream = source;
  if (kind.gzip) {
    const gunzip = zlib.createGunzip({ chunkSize: 1 << 20 });
    source.on('error', (e) => gunzip.destroy(e));
    stream = source.pipe(gunzip);
  }
  const decoder = kind.encoding === 'utf8' ? null : new TextDecoder(kind.encoding === 'utf16be' ? 'utf-16be' : 'utf-16le');
  try {
    for await (const chunk of stream) {
      if (signal?.aborted) return;
      const buf = chunk as Buffer;
      if (!decoder) yield buf;
      else yield Buffer.from(decoder.decode(buf, { stream: true }), 'utf8');
    }
    if (decoder) yield Buffer.from(decoder.decode(), 'utf8');
  } catch (err) {
    if (!kind.gzip || signal?.aborted) throw err;
    // Keep what decompressed: the caller quarantines the unfinished tail and warns.
    counter.gzipError = (err as Error).message;
  } finally {
    source.destroy();
  }
}

/**
 * The lines of a text file, in batches, with bounded memory: LF or CRLF terminators removed, a
 * UTF-8 BOM dropped, lines that are not valid UTF-8 read as Latin-1 (and counted) rather than
 * mangled, and lines over MAX_LINE_BYTES cut short and marked.
 */
export async function* readLines(
  file: string,
  kind: FileKind,
  opts: { signal?: AbortSignal; maxLineBytes?: number } = {},
): AsyncGenerator<LineBatch> {
  const maxLine = opts.maxLineBytes ?? MAX_LINE_BYTES;
  const counter: ReadState = { bytesRead: 0, gzipError: null };
  let carry: Buffer = Buffer.alloc(0);
  let skipping = false; // inside an oversized line, dropping bytes up to its end
  let lineNo = 1;
  let first = true;

  const decodeLines = (bytes: Buffer, batch: LineBatch): void => {
    // Common case: the whole block is valid UTF-8 and decodes in one call.
    if (isUtf8(bytes)) {
      for (const l of bytes.toString('utf8').split('\n')) batch.lines.push(stripCr(l));
      return;
    }
    let start = 0;
    for (;;) {
      const nl = bytes.indexOf(10, start);
      const end = nl === -1 ? bytes.length : nl;
      const slice = bytes.subarray(start, end);
      if (isUtf8(slice)) batch.lines.push(stripCr(slice.toString('utf8')));
      else {
        batch.lines.push(stripCr(slice.toString('latin1')));
        batch.latin1++;
      }
      if (nl === -1) return;
      start = nl + 1;
    }
  };

  const newBatch = (): LineBatch => ({ lines: [], firstLineNo: lineNo, oversized: [], latin1: 0, bytesRead: counter.bytesRead });

  for await (let chunk of byteChunks(file, kind, counter, opts.signal)) {
    if (first) {
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
      first = false;
    }
    const batch = newBatch();
    let pos = 0;
    if (skipping) {
      const nl = chunk.indexOf(10);
      if (nl === -1) continue;
      skipping = false;
      pos = nl + 1;
      lineNo++;
      batch.firstLineNo = lineNo;
    }
    const lastNl = chunk.lastIndexOf(10);
    if (lastNl >= pos) {
      const block = carry.length ? Buffer.concat([carry, chunk.subarray(pos, lastNl)]) : chunk.subarray(pos, lastNl);
      carry = Buffer.alloc(0);
      decodeLines(block, batch);
      carry = Buffer.from(chunk.subarray(lastNl + 1));
    } else {
      carry = Buffer.concat([carry, chunk.subarray(pos)]);
    }
    if (carry.length > maxLine) {
      batch.oversized.push(batch.lines.length);
      batch.lines.push(carry.subarray(0, OVERSIZED_KEEP_BYTES).toString('utf8'));
      carry = Buffer.alloc(0);
      skipping = true;
    }
    lineNo += batch.lines.length;
    if (skipping) lineNo--; // the oversized line is still open; its number advances when it ends
    batch.bytesRead = counter.bytesRead;
    if (batch.lines.length) yield batch;
  }
  const batch = newBatch();
  if (carry.length && !skipping) decodeLines(carry, batch);
  batch.bytesRead = counter.bytesRead;
  if (counter.gzipError !== null) {
    batch.gzipError = counter.gzipError;
    // An oversized line that the break cut off is already quarantined; a partial line is the tail.
    batch.truncatedTail = batch.lines.length > 0;
  }
  if (batch.lines.length || batch.gzipError !== undefined) yield batch;
}

function stripCr(line: string): string {
  return line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line;
}
