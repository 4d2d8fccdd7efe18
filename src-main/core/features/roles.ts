// Over 400 lines: one concern, a field's role from its name and values; the rules read best in one place.
import type { Role } from '../fields/role';
import { emptyStats, MAX_DISTINCT, valueType, type FieldStats } from '../fields/stats';
import { parseIsoTime } from '../fields/time';

/** Roles that produce feature columns. */
export const FEATURE_ROLES: readonly Role[] = ['numeric', 'categorical', 'ip', 'port', 'timestamp'];

export interface RoleGuess {
  role: Role;
  /** A short explanation for the analyst, e.g. "92% of values are IP addresses". */
  why: string;
}

// ---------------------------------------------------------------------------------------------
// Thresholds. They are about shapes of data, not about any one log: see the tests over every
// sample format before changing one.

/** Share of checked strings that must be IP addresses for an `ip` field. */
const IP_SHARE = 0.8;
/** Share of checked strings that must be numeric text to treat strings as numbers. */
const NUMERIC_TEXT_SHARE = 0.9;
/** Share of sampled distinct strings that must read as ISO times for a `timestamp` field. */
const TIME_SHARE = 0.9;
/** Share of sampled distinct strings that must look like ids (hex, GUID, Zeek uid) for `identifier`. */
const ID_SHAPE_SHARE = 0.9;
/** Share of numeric values that must be integers in 0..65535 for a `port` field. */
const PORT_SHARE = 0.99;
/** Integer codes (status, EventID...) with at most this many distinct values are categorical. */
const MAX_CODES = 100;
/** Up to this many distinct values a string field is categorical whatever they look like. */
const FEW_VALUES = 20;
/** Top values counted for coverage; the same width the spec one-hot encodes. */
const TOP = 20;
/** A string field whose top values cover at least this share of records is categorical. */
const CATEGORICAL_COVERAGE = 0.5;
/** Values shaped like IDs (hex, GUID…) are an identifier when distinct values / records is at least this. */
const ID_UNIQUENESS = 0.1;
/** Epoch seconds for 2000-01-01 and 2100-01-01: absolute times fall in between. */
export const EPOCH_MIN = 946_684_800;
export const EPOCH_MAX = 4_102_444_800;
/** Absolute times of one log span less than this (seconds); random 32-bit ids span far more. */
const MAX_TIME_SPAN = 20 * 365 * 86_400;
/** Distinct strings looked at for shape checks (time, id shape, whitespace). */
const SHAPE_SAMPLE = 200;

// ---------------------------------------------------------------------------------------------
// Field names. Tokens: `id.orig_h` → [id, orig, h]; `SubjectLogonId` → [subject, logon, id];
// `EventID` → [event, id]; ` Destination Port` → [destination, port]; `@timestamp` → [timestamp].

export function nameTokens(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((t) => t.length > 0);
}

interface NameInfo {
  tokens: string[];
  joined: string;
  last: string;
  /** The last two tokens joined (`signature_id` → `signatureid`). */
  last2: string;
}

function nameInfo(name: string): NameInfo {
  const tokens = nameTokens(name);
  const last = tokens[tokens.length - 1] ?? '';
  return { tokens, joined: tokens.join(''), last, last2: tokens.slice(-2).join('') };
}

const LABEL_NAMES = new Set([
  'label', 'labels', 'detailedlabel', 'attackcat', 'attackcategory', 'attacktype', 'attacklabel', 'class', 'groundtruth',
  'isattack', 'ismalicious', 'isanomaly', 'anomalylabel', 'alerttag',
  // loghub BGL / Thunderbird: the first token, `-` or an alert category, is the ground truth.
  'alert',
]);
const ID_LAST = new Set(['id', 'ids', 'uid', 'uuid', 'guid', 'fuid', 'fuids', 'pid', 'ppid', 'tid', 'sid', 'txid', 'uids']);
const ID_JOINED = new Set(['recordnumber', 'eventrecordid', 'lineid', 'seq', 'seqnum', 'sequencenumber', 'requestid', 'sessionid', 'communityid']);
const PORT_LAST = new Set(['port', 'p', 'sport', 'dport', 'dsport', 'spt', 'dpt', 'srcport', 'dstport']);
/** Names of integer codes: the number names a kind of thing, its size means nothing. */
const CODE_NAMES = new Set([
  'status', 'statuscode', 'code', 'rcode', 'qtype', 'qclass', 'eventid', 'eventcode', 'severity', 'severityvalue', 'proto',
  'protocol', 'level', 'opcode', 'task', 'logontype', 'type', 'rrtype', 'version', 'gid', 'rev', 'signatureid', 'sigid',
  'ruleid', 'priority', 'facility', 'method', 'action', 'category', 'reason', 'state', 'templateid', 'eventtypeid', 'categoryid',
  'typeid', 'classid', 'errorcode', 'reasoncode', 'responsecode', 'keywords', 'flags', 'mask', 'accessmask',
]);
/** Names of fields that hold a time even when it is relative (a capture's `ts` starting at 0). */
const TIME_NAMES = new Set([
  'ts', 'time', 'timestamp', 'datetime', 'date', 'starttime', 'endtime', 'stime', 'ltime', 'eventtime', 'writets', 'epoch',
  'unixtime', 'timegenerated', 'timecreated', 'utctime', 'eventreceivedtime', 'receivedtime', 'logtime', 'firsttimestamp',
  'lasttimestamp', 'flowstart', 'flowend',
]);
const TIME_TOKENS = new Set(['ts', 'time', 'timestamp', 'datetime', 'date', 'epoch']);

const isLabelName = (n: NameInfo) => LABEL_NAMES.has(n.joined);
const isIdName = (n: NameInfo) => ID_LAST.has(n.last) || ID_JOINED.has(n.joined) || ID_JOINED.has(n.last2);
const isPortName = (n: NameInfo) => PORT_LAST.has(n.last);
const isCodeName = (n: NameInfo) => CODE_NAMES.has(n.last) || CODE_NAMES.has(n.last2) || CODE_NAMES.has(n.joined);
const isStrongTimeName = (n: NameInfo) => TIME_NAMES.has(n.joined);
/** Whether a field's name says it holds the record's time (`ts`, `timestamp`, `@timestamp`, `EventTime`…). */
export function isTimestampName(name: string): boolean {
  return isStrongTimeName(nameInfo(name));
}

/** Named like it holds a time; a duration (`response_time`) is named like that too. */
const isTimeName = (n: NameInfo) => isStrongTimeName(n) || TIME_TOKENS.has(n.last) || n.tokens[0] === 'time';

// ---------------------------------------------------------------------------------------------
// Value shapes.

const GUID = /^\{?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}?$/i;
const HEX_ID = /^(0x)?[0-9a-f]{8,}$/i;
/** Zeek connection / file uids (`CHLXQF2OBY4onAR0Ug`, `FqhaAy4xsmJ3AR63A3`). */
const ZEEK_UID = /^[CF][0-9A-Za-z]{14,21}$/;
/** An opaque token: letters and digits mixed, no spaces, at least 16 chars (API request ids...). */
const TOKEN = /^(?=[^\s]*\d)(?=[^\s]*[A-Za-z])[A-Za-z0-9+/=_:.-]{16,}$/;
const WHITESPACE = /\s/;
const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const NON_FINITE = /^[+-]?(inf|infinity|nan)$/i;
const LEADING_ZERO = /^0\d/;

function looksLikeId(value: string): boolean {
  if (GUID.test(value) || HEX_ID.test(value) || ZEEK_UID.test(value)) return true;
  // A list joined with commas: every element must look like an id.
  if (value.includes(',')) {
    const parts = value.split(',');
    return parts.length > 0 && parts.every((p) => p.length > 0 && (GUID.test(p) || HEX_ID.test(p) || ZEEK_UID.test(p) || TOKEN.test(p)));
  }
  return TOKEN.test(value) && !value.includes('/');
}

/** Distinct values with their counts, most frequent first (ties by text, so the order is stable). */
function topValues(stats: FieldStats): Array<[string, number]> {
  return Object.entries(stats.distinct).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** Figures about a field's distinct values that role inference and the spec share. */
export interface Cardinality {
  /** Distinct values tracked (MAX_DISTINCT when overflowing). */
  distinct: number;
  overflow: boolean;
  /** Records the counts stand for (past the cap only values already tracked are counted). */
  counted: number;
  /** Share of counted records holding one of the TOP most frequent values. */
  topShare: number;
  /** Distinct / counted: 1 when every value is new. */
  uniqueness: number;
  top: Array<[string, number]>;
}

export function cardinality(stats: FieldStats): Cardinality {
  const top = topValues(stats);
  let counted = 0;
  for (const [, c] of top) counted += c;
  let head = 0;
  for (let i = 0; i < Math.min(TOP, top.length); i++) head += top[i]![1];
  const overflow = stats.distinctOverflow;
  // After overflow the counts cover a prefix of the records; the unseen rest holds new values.
  const distinct = overflow ? Math.max(top.length, MAX_DISTINCT) : top.length;
  return {
    distinct,
    overflow,
    counted,
    topShare: counted > 0 ? head / counted : 0,
    uniqueness: counted > 0 ? Math.min(1, (overflow ? distinct + 1 : distinct) / counted) : 0,
    top,
  };
}

/** Every k-th distinct value, up to SHAPE_SAMPLE: a spread of the field's values for shape checks. */
function sampleKeys(top: Array<[string, number]>): string[] {
  if (top.length <= SHAPE_SAMPLE) return top.map((e) => e[0]);
  const step = top.length / SHAPE_SAMPLE;
  const out: string[] = [];
  for (let i = 0; i < SHAPE_SAMPLE; i++) out.push(top[Math.floor(i * step)]![0]);
  return out;
}

const distinctText = (card: Cardinality) => (card.overflow ? `over ${MAX_DISTINCT}` : String(card.distinct));
const share = (part: number, whole: number) => (whole > 0 ? part / whole : 0);
const pct = (x: number) => `${x >= 0.995 && x < 1 ? '>99' : Math.round(100 * x)}%`;

function num(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return String(x);
  return Math.abs(x) >= 1e6 || (Math.abs(x) < 1e-3 && x !== 0) ? x.toExponential(2) : String(Number(x.toPrecision(4)));
}

function quote(v: string): string {
  const t = v.length > 30 ? `${v.slice(0, 29)}…` : v;
  return JSON.stringify(t);
}

function day(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().slice(0, 10);
}

// ---------------------------------------------------------------------------------------------
// Numbers: either real numbers, or strings that are numeric text (Windows exports `"3304"`).

interface NumberView {
  count: number;
  integers: number;
  portLike: number;
  min: number;
  max: number;
  /** Values in the reservoir (or from distinct keys) for range checks. */
  sample: number[];
  fromText: boolean;
  /** Numeric text that reads like codes: leading zeros (`02`) or some non-numeric keys (`1b`). */
  codeLike: boolean;
}

function numbersOf(stats: FieldStats, fromText: boolean): NumberView {
  if (!fromText) {
    return {
      count: stats.numbers,
      integers: stats.integers,
      portLike: stats.portLike,
      min: stats.min ?? 0,
      max: stats.max ?? 0,
      sample: stats.reservoir,
      fromText: false,
      codeLike: false,
    };
  }
  // Numeric text: the distinct keys (with counts) are what we know about the values.
  let count = 0;
  let integers = 0;
  let portLike = 0;
  let min = Infinity;
  let max = -Infinity;
  const sample: number[] = [];
  let codeKeys = 0;
  let keys = 0;
  for (const [k, c] of Object.entries(stats.distinct)) {
    keys++;
    if (!NUMERIC.test(k)) {
      if (!NON_FINITE.test(k)) codeKeys++;
      continue;
    }
    if (LEADING_ZERO.test(k)) codeKeys++;
    const v = Number(k);
    if (!Number.isFinite(v)) continue;
    count += c;
    if (Number.isInteger(v)) {
      integers += c;
      if (v >= 0 && v <= 65535) portLike += c;
    }
    if (v < min) min = v;
    if (v > max) max = v;
    sample.push(v);
  }
  return { count, integers, portLike, min: count ? min : 0, max: count ? max : 0, sample, fromText: true, codeLike: codeKeys > 0.05 * keys };
}

function epochShare(values: number[], scale: number): number {
  if (!values.length) return 0;
  let n = 0;
  for (const v of values) {
    const s = v * scale;
    if (s >= EPOCH_MIN && s <= EPOCH_MAX) n++;
  }
  return n / values.length;
}

function numberRole(name: NameInfo, stats: FieldStats, nv: NumberView, card: Cardinality): RoleGuess {
  const ints = share(nv.integers, nv.count);
  const what = nv.fromText ? 'numeric text' : 'numbers';
  const range = `${num(nv.min)} … ${num(nv.max)}`;

  // Absolute times: epoch seconds (or ms) of one capture sit in a narrow band of the epoch range.
  for (const [scale, unit] of [
    [1, 's'],
    [0.001, 'ms'],
  ] as const) {
    const inRange = nv.min * scale >= EPOCH_MIN && nv.max * scale <= EPOCH_MAX && (nv.max - nv.min) * scale <= MAX_TIME_SPAN;
    if (inRange && epochShare(nv.sample, scale) >= TIME_SHARE && (unit === 's' || isTimeName(name)) && (card.distinct > 1 || isTimeName(name))) {
      return { role: 'timestamp', why: `epoch times in ${unit} (${day(nv.min * scale)} … ${day(nv.max * scale)})` };
    }
  }
  if (isStrongTimeName(name)) {
    return { role: 'timestamp', why: `named like a timestamp; values ${range} are relative times, not dates` };
  }
  const binary = nv.min === 0 && nv.max === 1 && ints >= 0.99;
  if (isCodeName(name) && ints >= 0.99 && !binary) {
    // Codes name kinds of things (EventID, signature_id, status): categorical while a few cover most.
    if (!card.overflow && card.distinct <= MAX_CODES) {
      return { role: 'categorical', why: `integer codes (${card.distinct} distinct) in a field named like a code` };
    }
    if (card.topShare >= CATEGORICAL_COVERAGE) {
      return { role: 'categorical', why: `integer codes named like a code; the ${TOP} most frequent of ${distinctText(card)} cover ${pct(card.topShare)} of records` };
    }
  }
  if (isIdName(name) && ints >= 0.99 && (card.overflow || card.distinct > FEW_VALUES)) {
    return { role: 'identifier', why: `${distinctText(card)} distinct integers in a field named like an ID` };
  }
  // Huge integers, mostly distinct (Suricata flow_id): ids whatever they are called.
  if (ints >= 0.99 && nv.min >= 2 ** 32 && card.uniqueness >= 0.5) {
    return { role: 'identifier', why: `large integers (${range}), ${pct(card.uniqueness)} distinct: look like IDs` };
  }
  if (isPortName(name) && share(nv.portLike, nv.count) >= PORT_SHARE && nv.max > 1) {
    return { role: 'port', why: `integers 0–65535 in a field named like a port (${card.overflow ? `over ${MAX_DISTINCT}` : card.distinct} distinct)` };
  }
  if (isIdName(name) && ints >= 0.99 && !card.overflow && card.distinct <= MAX_CODES) {
    return { role: 'categorical', why: `few distinct integers (${card.distinct}) in a field named like an ID: a kind, not an instance` };
  }
  if (nv.fromText && nv.codeLike && !card.overflow && card.distinct <= MAX_CODES) {
    return { role: 'categorical', why: `codes written as text (${card.distinct} distinct, e.g. ${quote(card.top[0]![0])})` };
  }
  const missing = stats.nonFinite > 0 ? `; ${stats.nonFinite} non-finite (Infinity/NaN)` : '';
  return { role: 'numeric', why: `${what} ${range}${missing}` };
}

// ---------------------------------------------------------------------------------------------

/**
 * The role of a field, from what its values look like (types, cardinality, IP / port / time /
 * id shapes, lengths) with the field's name breaking ties. `totalRecords` is the number of records
 * in the project, for "always the same value" versus "present in some records only".
 */
export function inferRole(name: string, stats: FieldStats, totalRecords: number): RoleGuess {
  const s: FieldStats = { ...emptyStats(), ...stats };
  const n = nameInfo(name);
  if (s.present === 0) return { role: 'ignore', why: 'no values in any record' };
  if (isLabelName(n)) return { role: 'label', why: 'named like a ground-truth label: never used as a feature' };

  const card = cardinality(s);
  const partial = s.present < totalRecords;
  if (!card.overflow && card.distinct === 1) {
    const only = card.top[0]![0];
    if (!partial) return { role: 'ignore', why: `always the same value (${quote(only)})` };
    // One value, present in some records only: whether it is there is the information.
    return { role: 'categorical', why: `one value (${quote(only)}) present in ${pct(share(s.present, totalRecords))} of records` };
  }

  const type = valueType(s);
  if (type === 'boolean') return { role: 'numeric', why: 'true/false values (0/1)' };
  if (type === 'number') return numberRole(n, s, numbersOf(s, false), card);
  if (type === 'list') return listRole(card);

  // Strings (or a mix): shapes first.
  const checked = s.shapeChecked;
  const ipShare = share(s.ipLike, checked);
  if (checked > 0 && ipShare >= IP_SHARE) return { role: 'ip', why: `${pct(ipShare)} of values are IP addresses` };
  const numericShare = share(s.numericText + s.nonFinite, checked);
  if (checked > 0 && numericShare >= NUMERIC_TEXT_SHARE && s.strings >= 0.95 * s.present) {
    const nv = numbersOf(s, true);
    if (nv.count > 0) return numberRole(n, s, nv, card);
  }
  if (type === 'mixed' && s.numbers >= 0.5 * s.present) return numberRole(n, s, numbersOf(s, false), card);

  const keys = sampleKeys(card.top);
  const timeShare = share(keys.filter((k) => parseIsoTime(k) !== null).length, keys.length);
  if (timeShare >= TIME_SHARE) return { role: 'timestamp', why: `${pct(timeShare)} of sampled values are dates/times` };
  if (isStrongTimeName(n) && (card.overflow || card.uniqueness >= 0.01)) {
    return { role: 'timestamp', why: 'named like a timestamp (values are not in a date format the featurizer reads)' };
  }
  return stringRole(n, s, card, keys);
}

function stringRole(n: NameInfo, s: FieldStats, card: Cardinality, keys: string[]): RoleGuess {
  const dt = distinctText(card);
  const idShare = share(keys.filter(looksLikeId).length, keys.length);
  const many = card.overflow || card.distinct > FEW_VALUES;
  if (many && idShare >= ID_SHAPE_SHARE && card.uniqueness >= ID_UNIQUENESS) {
    return { role: 'identifier', why: `${dt} distinct values shaped like IDs (hex, GUID, uid)` };
  }
  if (isIdName(n) && (card.overflow || card.distinct > FEW_VALUES)) {
    return { role: 'identifier', why: `${dt} distinct values in a field named like an ID` };
  }
  if (!many) return { role: 'categorical', why: `${card.distinct} distinct values` };
  const avgLength = s.strings > 0 ? s.totalLength / s.strings : 0;
  const spaced = share(keys.filter((k) => WHITESPACE.test(k)).length, keys.length);
  const prose = spaced >= 0.5 && avgLength >= 30;
  // Sentences without end (log messages) are free text even when a few repeat often: their
  // kinds are what a template field captures.
  if (prose && card.overflow) {
    return { role: 'text', why: `free text (average ${Math.round(avgLength)} characters, ${dt} distinct)` };
  }
  if (card.topShare >= CATEGORICAL_COVERAGE) {
    return { role: 'categorical', why: `${dt} distinct values; the ${TOP} most frequent cover ${pct(card.topShare)} of records` };
  }
  if (!card.overflow && card.distinct <= MAX_CODES && !prose) {
    // A bounded set of names (hosts, users, programs): frequent ones get columns, the rest (other).
    return { role: 'categorical', why: `${card.distinct} distinct short values` };
  }
  const shape = prose ? `free text (average ${Math.round(avgLength)} characters)` : 'free-form values';
  return { role: 'text', why: `${shape}: ${dt} distinct, the ${TOP} most frequent cover only ${pct(card.topShare)} of records` };
}

function listRole(card: Cardinality): RoleGuess {
  const dt = distinctText(card);
  if (!card.overflow && card.distinct <= FEW_VALUES) return { role: 'categorical', why: `lists with ${card.distinct} distinct combinations` };
  if (card.topShare >= CATEGORICAL_COVERAGE) {
    return { role: 'categorical', why: `lists: ${dt} distinct combinations; the ${TOP} most frequent cover ${pct(card.topShare)} of records` };
  }
  const keys = sampleKeys(card.top);
  const idShare = share(keys.filter(looksLikeId).length, keys.length);
  if (idShare >= ID_SHAPE_SHARE) return { role: 'identifier', why: `lists of IDs (${dt} distinct)` };
  return { role: 'text', why: `lists with too many distinct combinations to one-hot (${dt})` };
}
