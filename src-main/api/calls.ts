import type { CallName, EventName } from './contract';

/**
 * The contract's names as run-time values, for whatever must check a name it was handed (the
 * preload, the HTTP router). Typed so that a name missing here, or not in the contract, fails to
 * compile.
 */
const calls = {
  'app.info': true,
  'projects.recent': true,
  'projects.forget': true,
  'project.open': true,
  'project.close': true,
  'project.info': true,
  'project.setAnalyst': true,
  'import.preview': true,
  'import.start': true,
  'job.cancel': true,
  'jobs.list': true,
  'fields.setRole': true,
  'quarantine.list': true,
  'dialog.openProject': true,
  'dialog.openFiles': true,
  'review.page': true,
  'review.ids': true,
  'review.groups': true,
  'record.get': true,
  'record.explain': true,
  'labels.set': true,
  'rounds.list': true,
  'rounds.compare': true,
  'rounds.train': true,
  'charts.scoreHistogram': true,
  'charts.discovery': true,
  'charts.precisionRecall': true,
  'export.run': true,
} satisfies Record<CallName, true>;

const events = {
  'job.progress': true,
  'job.finished': true,
} satisfies Record<EventName, true>;

export const CALL_NAMES = Object.freeze(Object.keys(calls) as CallName[]);
export const EVENT_NAMES = Object.freeze(Object.keys(events) as EventName[]);

export function isCallName(name: unknown): name is CallName {
  return typeof name === 'string' && Object.hasOwn(calls, name);
}

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.hasOwn(events, name);
}
