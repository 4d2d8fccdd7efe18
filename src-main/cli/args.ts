import { parseArgs, type ParseArgsConfig } from 'node:util';
import { RosasError } from '../core/errors';

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs with errors that say which command and flag, as usage errors. */
export function parse<O extends Options>(command: string, argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options: { ...options, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new RosasError('usage', `rosas ${command}: ${(err as Error).message.replace(/\. To specify a positional.*$/s, '')}`);
  }
}

export function intOption(command: string, name: string, value: string | undefined, min = 0): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new RosasError('usage', `rosas ${command}: --${name} must be an integer ≥ ${min}, got "${value}"`);
  return n;
}

export function listOption(value: string | undefined): string[] | undefined {
  return value === undefined ? undefined : value.split(',').map((v) => v.trim());
}
