import { RosasError } from '../core/errors';
import type { ApiErrorCode, ApiErrorData } from './contract';

/** An error of the API layer itself (bad payload, no open project, not in this mode). */
export class ApiError extends Error {
  readonly code: ApiErrorCode;

  constructor(code: ApiErrorCode, message: string) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
  }
}

export type Logger = (message: string, err?: unknown) => void;

export const consoleLogger: Logger = (message, err) => console.error(message, err ?? '');

/**
 * What the UI is told about a failure. Errors meant for the user keep their message; anything
 * else is a bug whose details (paths, SQL, stack) stay in the log, not in the UI.
 */
export function toErrorData(err: unknown, log: Logger, context: string): ApiErrorData {
  if (err instanceof ApiError || err instanceof RosasError) {
    if (err.code === 'internal') log(`${context}: internal error`, err);
    return { code: err.code, message: err.code === 'internal' ? 'internal error (details are in the log)' : err.message };
  }
  log(`${context}: internal error`, err);
  return { code: 'internal', message: 'internal error (details are in the log)' };
}
