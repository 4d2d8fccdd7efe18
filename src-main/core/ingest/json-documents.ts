// Over 400 lines: one streaming scanner (a state machine over lines) and the splitter that drives it.
/**
 * Finds the JSON documents in a file fed line by line: NDJSON (one document a line), a top-level
 * array of documents, a CloudTrail-style `{"Records": [...]}` wrapper, or pretty-printed objects
 * one after another. Only objects are records; anything else is reported, never dropped.
 */

/** A document found in the file: `line` is where it starts, `end` the line where it ends. */
export type JsonUnit =
  | { ok: true; value: unknown; text: string; line: number; end: number }
  | { ok: false; reason: string; text: string; line: number; end: number };

const DEFAULT_MAX_DOCUMENT_CHARS = 4 * 1024 * 1024;
/** A skipped oversized document keeps this much of its text for quarantine. */
const OVERSIZED_KEEP_CHARS = 64 * 1024;
const NOT_OBJECT = 'expected a JSON object';

const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACK = 0x5b;
const RBRACK = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;

export function isJsonObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isWs(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
}

function firstNonWs(text: string): number {
  for (let i = 0; i < text.length; i++) if (!isWs(text.charCodeAt(i))) return text.charCodeAt(i);
  return -1;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function sizeText(chars: number): string {
  if (chars >= 1024 * 1024) return `${Math.round((chars / 1024 / 1024) * 10) / 10} MiB`;
  return chars >= 1024 ? `${Math.round(chars / 1024)} KiB` : `${chars} characters`;
}

/** Index of the quote closing a string whose body starts at `from`, or -1 when the line ends first. */
function stringEnd(text: string, from: number): number {
  let q = text.indexOf('"', from);
  while (q !== -1) {
    let slashes = 0;
    for (let j = q - 1; j >= from && text.charCodeAt(j) === BACKSLASH; j--) slashes++;
    if ((slashes & 1) === 0) return q;
    q = text.indexOf('"', q + 1);
  }
  return -1;
}

/** A line that is a whole object on its own (an element's trailing comma allowed). */
function wholeObjectLine(text: string): boolean {
  try {
    return isJsonObject(JSON.parse(text));
  } catch {
    const t = text.trimEnd();
    if (!t.endsWith(',')) return false;
    try {
      return isJsonObject(JSON.parse(t.slice(0, -1)));
    } catch {
      return false;
    }
  }
}

/** Where the scanner is when no document is open. */
type Context =
  | 'top' // between top-level values (depth 0)
  | 'array' // between elements of a top-level array (depth 1)
  | 'records' // between elements of a wrapper's Records array (depth 2)
  | 'wrapper'; // inside a Records wrapper object, outside its Records array: skipped

/**
 * Character scanner for multi-line JSON: tracks strings, escapes and depth so that each document
 * is cut out and parsed on its own, and one broken document does not take the others with it.
 */
class Scanner {
  private ctx: Context = 'top';
  private depth = 0;
  private inStr = false;
  private strStart = 0;
  /** Inside a top-level object, depth 1: 1 = just read the key "Records", 2 = and its colon. */
  private recordsKey = 0;
  /** The top-level value being read is an object (a document, or a wrapper once Records shows). */
  private topObject = false;

  private inDoc = false;
  /** A document that is not an object or array: a scalar or garbage, which ends at a delimiter. */
  private bare = false;
  /** Depth at which the open document started; it ends when depth falls back to this. */
  private docBase = 0;
  private docLine = 0;
  private parts: string[] = [];
  private chars = 0;
  /** The open document outgrew the limit: it is scanned to its end and then reported as this. */
  private oversized: { reason: string; text: string } | null = null;

  constructor(private readonly maxChars: number) {}

  /** Not inside any document or container: the next line starts a fresh top-level value. */
  atTop(): boolean {
    return this.ctx === 'top' && !this.inDoc && this.depth === 0;
  }

  /** A document is open: the lines fed so far since `openSince` belong to it. */
  inDocument(): boolean {
    return this.inDoc;
  }

  /** Ends the open document here, unfinished (the caller says why), and reports it. */
  cut(reason: string, lastLine: number): JsonUnit[] {
    if (!this.inDoc) return [];
    const unit = this.unfinished(reason, lastLine);
    this.depth = this.docBase;
    if (this.depth === 0) {
      this.ctx = 'top';
      this.topObject = false;
    }
    this.recordsKey = 0;
    this.closeDoc();
    return [unit];
  }

  /**
   * A line that starts in column 0 with a complete object while a document is still open means
   * that document was cut short (a truncated line or a lost tail): report it and start afresh, so
   * the rest of the file is not swallowed into it.
   */
  cutIfRestart(text: string, lineNo: number): JsonUnit[] | null {
    if (!this.inDoc || this.bare || text.charCodeAt(0) !== LBRACE || !wholeObjectLine(text)) return null;
    return this.cut(`truncated JSON: the document starting at line ${this.docLine} is unfinished where a new one starts at line ${lineNo}`, lineNo - 1);
  }

  line(text: string, lineNo: number, out: JsonUnit[]): void {
    const n = text.length;
    let seg = this.inDoc ? 0 : -1; // where the open document's text starts in this line
    let i = 0;
    while (i < n) {
      if (this.inStr) {
        const q = stringEnd(text, i);
        if (q === -1) break;
        this.inStr = false;
        i = q + 1;
        if (this.depth === 1 && this.topObject) {
          this.recordsKey = q - this.strStart === 8 && text.startsWith('"Records"', this.strStart) ? 1 : 0;
        }
        if (this.inDoc && this.depth === this.docBase) {
          this.finish(text, seg, i, lineNo, out);
          seg = -1;
        }
        continue;
      }
      const c = text.charCodeAt(i);
      if (this.bare) {
        // At the top a stray value runs to the end of its line; in an array it stops at a delimiter.
        if (this.docBase > 0 && (c === COMMA || c === RBRACK || c === RBRACE || isWs(c))) {
          this.finish(text, seg, i, lineNo, out);
          seg = -1;
          continue;
        }
        i++;
        continue;
      }
      if (isWs(c)) {
        i++;
        continue;
      }
      if (this.inDoc) {
        if (c === QUOTE) {
          this.inStr = true;
          this.strStart = i;
        } else if (c === LBRACE || c === LBRACK) {
          if (c === LBRACK && this.recordsKey === 2 && this.depth === 1 && this.docBase === 0 && this.topObject) {
            // The top-level object is a wrapper: drop what was buffered of it, read its Records.
            this.closeDoc();
            seg = -1;
            this.ctx = 'records';
            this.depth = 2;
            this.recordsKey = 0;
            i++;
            continue;
          }
          this.depth++;
          this.recordsKey = 0;
        } else if (c === RBRACE || c === RBRACK) {
          this.depth--;
          if (this.depth === this.docBase) {
            this.finish(text, seg, i + 1, lineNo, out);
            seg = -1;
            if (this.docBase === 0) this.topObject = false;
          }
        } else if (this.depth === 1 && this.topObject) {
          this.recordsKey = c === COLON && this.recordsKey === 1 ? 2 : 0;
        }
        i++;
        continue;
      }
      switch (this.ctx) {
        case 'top':
          seg = i;
          this.openDoc(lineNo, 0, c !== LBRACE && c !== LBRACK);
          if (c === LBRACK) {
            // A top-level array: its elements are the documents, not the array.
            this.closeDoc();
            seg = -1;
            this.ctx = 'array';
            this.depth = 1;
          } else if (c === LBRACE) {
            this.topObject = true;
            this.recordsKey = 0;
            this.depth = 1;
          }
          i++;
          break;
        case 'array':
        case 'records':
          if (c === COMMA) {
            i++;
          } else if (c === RBRACK || c === RBRACE) {
            this.depth--;
            this.ctx = this.ctx === 'array' ? 'top' : 'wrapper';
            i++;
          } else {
            seg = i;
            this.openDoc(lineNo, this.depth, c !== LBRACE && c !== LBRACK && c !== QUOTE);
            if (c === QUOTE) {
              this.inStr = true;
              this.strStart = i;
            } else if (c === LBRACE || c === LBRACK) {
              this.depth++;
            }
            i++;
          }
          break;
        case 'wrapper':
          if (c === QUOTE) {
            this.inStr = true;
            this.strStart = i;
          } else if (c === LBRACK && this.recordsKey === 2 && this.depth === 1) {
            this.ctx = 'records';
            this.depth = 2;
            this.recordsKey = 0;
          } else if (c === LBRACE || c === LBRACK) {
            this.depth++;
            this.recordsKey = 0;
          } else if (c === RBRACE || c === RBRACK) {
            this.depth--;
            if (this.depth === 0) {
              this.ctx = 'top';
              this.topObject = false;
            }
          } else if (this.depth === 1) {
            this.recordsKey = c === COLON && this.recordsKey === 1 ? 2 : 0;
          }
          i++;
          break;
      }
    }
    // JSON strings never span lines: an open string at the end of a line is a cut line. Closing
    // it here keeps the depth count right for what follows.
    this.inStr = false;
    if (this.inDoc) {
      if (this.bare) this.finish(text, seg, n, lineNo, out);
      else this.append(text.slice(seg));
    }
  }

  /** Reported even for an oversized document: what followed it in the file went into it. */
  end(lastLine: number): JsonUnit[] {
    if (!this.inDoc) return [];
    const unit = this.unfinished(`truncated JSON at end of file: the document starting at line ${this.docLine} is unfinished`, lastLine);
    this.closeDoc();
    return [unit];
  }

  /** The open document as a quarantine unit; an oversized one keeps its own reason and text. */
  private unfinished(reason: string, lastLine: number): JsonUnit {
    if (this.oversized) return { ok: false, ...this.oversized, line: this.docLine, end: lastLine };
    return { ok: false, reason, text: this.parts.join('\n'), line: this.docLine, end: lastLine };
  }

  private openDoc(lineNo: number, base: number, bare: boolean): void {
    this.inDoc = true;
    this.bare = bare;
    this.docBase = base;
    this.docLine = lineNo;
    this.parts = [];
    this.chars = 0;
    this.oversized = null;
  }

  private closeDoc(): void {
    this.inDoc = false;
    this.bare = false;
    this.parts = [];
    this.chars = 0;
    this.oversized = null;
  }

  private append(piece: string): void {
    if (this.oversized) return;
    this.chars += piece.length + 1;
    if (this.chars > this.maxChars) {
      this.parts.push(piece);
      let kept = this.parts.join('\n');
      if (kept.length > OVERSIZED_KEEP_CHARS) kept = kept.slice(0, OVERSIZED_KEEP_CHARS);
      this.oversized = {
        reason: `JSON document starting at line ${this.docLine} is larger than ${sizeText(this.maxChars)}: skipped (first ${sizeText(kept.length)} kept here)`,
        text: kept,
      };
      this.parts = [];
      return;
    }
    this.parts.push(piece);
  }

  private finish(text: string, seg: number, end: number, lineNo: number, out: JsonUnit[]): void {
    this.append(text.slice(seg, end));
    if (this.oversized) out.push({ ok: false, ...this.oversized, line: this.docLine, end: lineNo });
    else out.push(parseDocument(this.parts.length === 1 ? this.parts[0]! : this.parts.join('\n'), this.docLine, lineNo));
    this.closeDoc();
  }
}

function parseDocument(text: string, line: number, end: number): JsonUnit {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: `invalid JSON: ${errorText(err)}`, text, line, end };
  }
  return isJsonObject(value) ? { ok: true, value, text, line, end } : { ok: false, reason: NOT_OBJECT, text, line, end };
}

/**
 * Splits a file, fed one line at a time, into JSON documents. The first non-blank line decides:
 * if it is a complete JSON value the file is NDJSON (one JSON.parse a line, the fast path), else
 * the file is scanned character by character as multi-line JSON.
 */
export class JsonDocumentSplitter {
  private mode: 'start' | 'lines' | 'scan' = 'start';
  private readonly maxChars: number;
  private readonly scanner: Scanner;

  constructor(opts: { maxDocumentChars?: number } = {}) {
    this.maxChars = opts.maxDocumentChars ?? DEFAULT_MAX_DOCUMENT_CHARS;
    this.scanner = new Scanner(this.maxChars);
  }

  line(text: string, lineNo: number): JsonUnit[] {
    if (this.mode === 'lines') return this.ndjsonLine(text, lineNo);
    if (this.mode === 'scan') return this.scanLine(text, lineNo);
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    const first = firstNonWs(text);
    if (first === -1) return [];
    if (first === LBRACE || first === LBRACK) {
      try {
        JSON.parse(text);
      } catch {
        this.mode = 'scan';
        return this.scanLine(text, lineNo);
      }
    }
    this.mode = 'lines';
    return this.ndjsonLine(text, lineNo);
  }

  /** Called after the last line, whose number is `lastLine`. */
  end(lastLine: number): JsonUnit[] {
    return this.mode === 'scan' ? this.scanner.end(lastLine) : [];
  }

  /** Inside a document that started on an earlier line or this one and has not ended yet. */
  inDocument(): boolean {
    return this.mode === 'scan' && this.scanner.inDocument();
  }

  /** Ends an open document before line `lineNo`, which cannot be read (e.g. an oversized line). */
  interrupt(lineNo: number, why: string): JsonUnit[] {
    return this.mode === 'scan' ? this.scanner.cut(`unfinished JSON: the document starting here is interrupted at line ${lineNo} (${why})`, lineNo - 1) : [];
  }

  private ndjsonLine(text: string, lineNo: number): JsonUnit[] {
    // Too big to parse whole: scanning still finds the elements of an array or wrapper, and
    // reports anything else as too large.
    if (text.length > this.maxChars) return expandLine(text, lineNo, this.maxChars);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      if (firstNonWs(text) === -1) return [];
      return [{ ok: false, reason: `invalid JSON: ${errorText(err)}`, text, line: lineNo, end: lineNo }];
    }
    if (isJsonObject(value)) {
      // A whole `{"Records": [...]}` file on one line, as S3 delivers CloudTrail.
      if (Array.isArray(value.Records)) return expandLine(text, lineNo, this.maxChars);
      return [{ ok: true, value, text, line: lineNo, end: lineNo }];
    }
    if (Array.isArray(value)) return expandLine(text, lineNo, this.maxChars);
    return [{ ok: false, reason: NOT_OBJECT, text, line: lineNo, end: lineNo }];
  }

  private scanLine(text: string, lineNo: number): JsonUnit[] {
    const cut = this.scanner.cutIfRestart(text, lineNo);
    const out: JsonUnit[] = cut ?? [];
    if (cut && this.scanner.atTop()) {
      // What was open at the top was a broken line of a file that is really NDJSON.
      this.mode = 'lines';
      out.push(...this.ndjsonLine(text, lineNo));
      return out;
    }
    this.scanner.line(text, lineNo, out);
    return out;
  }
}

/** The elements of an array (or of a wrapper's Records) that sits whole on one line. */
function expandLine(text: string, lineNo: number, maxChars: number): JsonUnit[] {
  const scanner = new Scanner(maxChars);
  const out: JsonUnit[] = [];
  scanner.line(text, lineNo, out);
  out.push(...scanner.end(lineNo));
  return out;
}

/** The first JSON object among the first lines of a file, for sniffing; undefined if none completes. */
export function firstJsonValue(lines: string[]): unknown | undefined {
  const head = lines.find((l) => firstNonWs(l) !== -1);
  if (head === undefined) return undefined;
  const c = firstNonWs(head.charCodeAt(0) === 0xfeff ? head.slice(1) : head);
  if (c !== LBRACE && c !== LBRACK) return undefined;
  const splitter = new JsonDocumentSplitter();
  for (let i = 0; i < lines.length; i++) {
    for (const unit of splitter.line(lines[i]!, i + 1)) if (unit.ok) return unit.value;
  }
  return undefined;
}
