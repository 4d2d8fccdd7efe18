import { serveTask } from '../../workers/serve-task';
import { runMemberJob } from './member-job';

/** The worker thread of one ensemble member (threads.ts): the engine alone, no ingest or SQLite. */
serveTask(runMemberJob);
