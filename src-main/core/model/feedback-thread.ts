import type { WorkerEntry } from '../workers/entry';
import { runTask } from '../workers/run-task';
import type { FeedbackJobInput, FeedbackJobOutput } from './feedback-job';

const FEEDBACK_WORKER: WorkerEntry = { name: 'feedback-worker', source: 'src-main/core/model/feedback-worker.ts' };

/** runFeedbackJob in a worker thread of its own; a cancel of `signal` stops it. */
export function feedbackInThread(input: FeedbackJobInput, signal: AbortSignal | undefined): Promise<FeedbackJobOutput> {
  return runTask<FeedbackJobInput, FeedbackJobOutput, never>(FEEDBACK_WORKER, input, { what: 'scoring', thread: 'the feedback thread', signal });
}
