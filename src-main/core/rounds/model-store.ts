import type { Database } from 'better-sqlite3';
import { RosasError } from '../errors';
import { checkForest, type IsolationForest } from '../model/iforest';
import type { Topology } from '../model/rosas/types';
import { parseJson, resolveRound } from './store';

/**
 * How a round's model is stored in `models` (topology JSON + one weights blob), for both kinds:
 * - RoSAS: the engine's Topology as JSON; the weights as float32 values in topology order.
 * - Isolation Forest: the forest is plain data (objects, numbers, typed arrays). Its typed arrays
 *   go into the blob, each 8-byte aligned, and the JSON keeps `{ "$typed": kind, "offset", "length" }`
 *   in their place. Everything round-trips exactly.
 * Blobs are little-endian (the byte order of every platform the app ships on).
 */

const TYPED = {
  Float32Array,
  Float64Array,
  Int32Array,
  Uint32Array,
  Int16Array,
  Uint16Array,
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
} as const;
type TypedKind = keyof typeof TYPED;
type AnyTyped = InstanceType<(typeof TYPED)[TypedKind]>;

interface TypedRef {
  $typed: TypedKind;
  offset: number;
  length: number;
}

function typedKind(v: unknown): TypedKind | null {
  if (!ArrayBuffer.isView(v) || v instanceof DataView) return null;
  const name = (v as AnyTyped).constructor.name;
  return name in TYPED ? (name as TypedKind) : null;
}

/** Plain data with typed arrays → JSON text + blob. Throws on what JSON cannot keep (functions, non-finite numbers, BigInt arrays). */
export function packPlain(value: unknown): { json: string; blob: Buffer } {
  const parts: Buffer[] = [];
  let size = 0;
  const walk = (v: unknown, where: string): unknown => {
    const kind = typedKind(v);
    if (kind) {
      const a = v as AnyTyped;
      const pad = (8 - (size % 8)) % 8;
      if (pad) {
        parts.push(Buffer.alloc(pad));
        size += pad;
      }
      const ref: TypedRef = { $typed: kind, offset: size, length: a.length };
      parts.push(Buffer.from(a.buffer, a.byteOffset, a.byteLength));
      size += a.byteLength;
      return ref;
    }
    if (ArrayBuffer.isView(v)) throw new Error(`cannot store ${where}: ${(v as object).constructor.name}`);
    if (Array.isArray(v)) return v.map((x, i) => walk(x, `${where}[${i}]`));
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = walk(x, `${where}.${k}`);
      return out;
    }
    if (typeof v === 'number' && !Number.isFinite(v)) throw new Error(`cannot store ${where}: ${v} is not finite`);
    if (typeof v === 'function' || typeof v === 'bigint' || typeof v === 'symbol') throw new Error(`cannot store ${where}: ${typeof v}`);
    return v;
  };
  const json = JSON.stringify(walk(value, 'model'));
  return { json, blob: Buffer.concat(parts, size) };
}

/** The inverse of packPlain. Typed arrays are fresh copies (the blob may not be aligned). */
export function unpackPlain<T>(json: string, blob: Uint8Array): T {
  return revivePlain<T>(JSON.parse(json), blob);
}

/** unpackPlain for JSON already parsed. */
export function revivePlain<T>(parsed: unknown, blob: Uint8Array): T {
  const revive = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(revive);
    if (v !== null && typeof v === 'object') {
      const ref = v as Partial<TypedRef>;
      if (typeof ref.$typed === 'string' && ref.$typed in TYPED && typeof ref.offset === 'number' && typeof ref.length === 'number') {
        const Ctor = TYPED[ref.$typed];
        const bytes = ref.length * Ctor.BYTES_PER_ELEMENT;
        if (ref.offset < 0 || ref.offset + bytes > blob.byteLength) throw new Error(`stored model is damaged: ${ref.$typed} outside the blob`);
        const copy = new Uint8Array(bytes);
        copy.set(blob.subarray(ref.offset, ref.offset + bytes));
        return new Ctor(copy.buffer);
      }
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = revive(x);
      return out;
    }
    return v;
  };
  return revive(parsed) as T;
}

/**
 * A stored Isolation Forest (its JSON already parsed, and the blob), revived and checked: a
 * damaged one is refused here, as the project being invalid, rather than scored into garbage.
 */
export function reviveForest(parsed: unknown, blob: Uint8Array): IsolationForest {
  try {
    const forest = revivePlain<unknown>(parsed, blob);
    checkForest(forest);
    return forest;
  } catch (err) {
    throw new RosasError('project-invalid', `the stored Isolation Forest model is damaged: ${(err as Error).message}`);
  }
}

/** Float32 values as blob bytes (no copy). */
export function float32Blob(values: Float32Array | Int32Array): Buffer {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
}

/** Blob bytes as 4-byte values (copied: SQLite's buffers need not be 4-byte aligned). */
function blob4<T extends Float32Array | Int32Array>(blob: Uint8Array, make: (n: number) => T, what: string): T {
  if (blob.byteLength % 4 !== 0) throw new Error(`a ${what} blob of ${blob.byteLength} bytes`);
  const out = make(blob.byteLength / 4);
  new Uint8Array(out.buffer).set(blob);
  return out;
}

export function blobFloat32(blob: Uint8Array): Float32Array {
  return blob4(blob, (n) => new Float32Array(n), 'float32');
}

export type StoredModel = { kind: 'rosas'; topology: Topology; weights: Float32Array } | { kind: 'iforest'; forest: IsolationForest };

/** A round's model as trained: RoSAS topology and weights, or the Isolation Forest. */
export function roundModel(db: Database, n: number): StoredModel {
  resolveRound(db, n);
  const row = db.prepare('SELECT topology, weights FROM models WHERE round_id = ?').get(n) as { topology: string; weights: Buffer } | undefined;
  if (!row) throw new RosasError('project-invalid', `round ${n} has no stored model`);
  const topology = parseJson<{ kind?: string; forest?: unknown } | null>(row.topology, null);
  if (topology?.kind === 'iforest') return { kind: 'iforest', forest: reviveForest(topology.forest, row.weights) };
  if (topology?.kind === 'rosas') return { kind: 'rosas', topology: topology as Topology, weights: blobFloat32(row.weights) };
  throw new RosasError('project-invalid', `round ${n}: unknown model kind ${String(topology?.kind)}`);
}

export function blobInt32(blob: Uint8Array): Int32Array {
  return blob4(blob, (n) => new Int32Array(n), 'int32');
}

/** Int32 values as blob bytes (a view, as float32Blob). */
export const int32Blob: (values: Int32Array) => Buffer = float32Blob;
