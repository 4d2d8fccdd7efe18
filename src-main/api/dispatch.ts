import { consoleLogger, toErrorData, type Logger } from './api-error';
import type { ApiResult } from './contract';
import type { Handlers } from './handlers';
import { validateRequest } from './validate';

/**
 * The one door into the handlers for both transports: checks the call and its payload, runs it,
 * and turns any failure into {code, message}. Never throws.
 */
export async function dispatch(handlers: Handlers, call: unknown, payload: unknown, log: Logger = consoleLogger): Promise<ApiResult<unknown>> {
  try {
    const { call: name, request } = validateRequest(call, payload);
    const handler = handlers[name] as (request: unknown) => Promise<unknown>;
    return { ok: true, value: (await handler(request)) ?? null };
  } catch (err) {
    return { ok: false, error: toErrorData(err, log, `call ${typeof call === 'string' ? call.slice(0, 100) : '?'}`) };
  }
}
