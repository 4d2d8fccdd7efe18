import { serveStream } from '../workers/serve-stream';
import { prepareFile, type ParseRequest } from './prepared-batches';
import { transferables } from './prepare';

/**
 * The reading half of an import, in its own thread: read, parse and prepare rows while the other
 * thread writes them to the database. It runs ahead by at most the credit the writer grants.
 */
serveStream((request: ParseRequest) => prepareFile(request), transferables);
