/** Where a problem was found in the user's input, so an error message can point at it. */
export interface Where {
  file?: string;
  line?: number;
  field?: string;
}

export type ErrorCode =
  | 'usage'
  | 'not-found'
  | 'project-locked'
  | 'project-newer'
  | 'project-invalid'
  | 'not-a-log'
  | 'format'
  | 'duplicate-source'
  | 'cancelled'
  | 'training-diverged'
  | 'invalid-argument'
  | 'internal';

/**
 * An error meant for the user: its message says what went wrong and, through `where`, where.
 * Anything else that escapes is a bug and is reported as `internal`.
 */
export class RosasError extends Error {
  readonly code: ErrorCode;
  readonly where?: Where;

  constructor(code: ErrorCode, message: string, where?: Where) {
    super(where ? `${formatWhere(where)}: ${message}` : message);
    this.name = 'RosasError';
    this.code = code;
    this.where = where;
  }
}

export function formatWhere(where: Where): string {
  const parts: string[] = [];
  if (where.file) parts.push(where.line !== undefined ? `${where.file}:${where.line}` : where.file);
  else if (where.line !== undefined) parts.push(`line ${where.line}`);
  if (where.field) parts.push(`field "${where.field}"`);
  return parts.join(', ');
}

export class CancelledError extends RosasError {
  constructor(what = 'operation') {
    super('cancelled', `${what} cancelled`);
  }
}

export function throwIfAborted(signal: AbortSignal | undefined, what?: string): void {
  if (signal?.aborted) throw new CancelledError(what);
}

/** Plain-object form that survives postMessage / JSON, and its inverse. */
export interface SerializedError {
  code: ErrorCode;
  message: string;
  where?: Where;
  stack?: string;
}

export function serializeError(err: unknown): SerializedError {
  if (err instanceof RosasError) return { code: err.code, message: err.message, where: err.where };
  const e = err instanceof Error ? err : new Error(String(err));
  return { code: 'internal', message: e.message, stack: e.stack };
}

export function deserializeError(s: SerializedError): RosasError {
  if (s.code === 'cancelled') return new CancelledError(s.message.replace(/ cancelled$/, ''));
  const err = new RosasError(s.code, s.message);
  // The message already carries the formatted `where`; keep the structured copy too.
  Object.assign(err, { where: s.where });
  if (s.stack) err.stack = s.stack;
  return err;
}
