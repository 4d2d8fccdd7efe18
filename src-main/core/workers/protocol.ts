import { parentPort, type MessagePort } from 'node:worker_threads';
import type { SerializedError } from '../errors';

/** A task: started with its input, it reports progress and ends with an output or an error. */
export type ToTask = { type: 'start'; input: unknown } | { type: 'cancel' };
export type FromTask = { type: 'progress'; progress: unknown } | { type: 'done'; output: unknown } | { type: 'error'; error: SerializedError };

/** A stream: the worker sends a batch only against credit the caller grants, then its result. */
export type ToStream = { type: 'start'; input: unknown; credit: number } | { type: 'credit'; n: number };
export type FromStream = { type: 'batch'; batch: unknown } | { type: 'done'; result: unknown } | { type: 'error'; error: SerializedError };

/** The port to the thread that started this one. */
export function workerPort(): MessagePort {
  if (!parentPort) throw new Error('a worker entry must run in a worker thread');
  return parentPort;
}
