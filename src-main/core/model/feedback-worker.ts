import { serveTask } from '../workers/serve-task';
import { runFeedbackJob } from './feedback-job';

/** The worker thread of a RoSAS round's feedback (feedback-job.ts): the forest alone, no TensorFlow or SQLite. */
serveTask(runFeedbackJob);
