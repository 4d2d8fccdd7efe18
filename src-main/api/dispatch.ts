import { consoleLogger, toErrorData, type Logger } from './api-error';
import type { ApiResult } from './contract';
import type { Handlers } from './handlers';
import { refuseSpecialFile, type PathPolicy } from './paths';
import { validateRequest } from './validate';

/**
 * The one door into the handlers for both transports: checks the call and its payload, puts every
 * file path of it through the transport's path policy (default: the rule of every mode, regular
 * files only), runs it, and turns any failure into {code, message}. Never throws.
 */
export async function dispatch(
  handlers: Handlers,
  call: unknown,
  payload: unknown,
  log: Logger = consoleLogger,
  paths: PathPolicy = refuseSpecialFile,
): Promise<ApiResult<unknown>> {
  try {
    const { call: name, request, paths: used } = validateRequest(call, payload);
    for (const use of used) await paths(use);
    const handler = handlers[name] as (request: unknown) => Promise<unknown>;
    return { ok: true, value: (await handler(request)) ?? null };
  } catch (err) {
    return { ok: false, error: toErrorData(err, log, `call ${typeof call === 'string' ? call.slice(0, 100) : '?'}`) };
  }
}
