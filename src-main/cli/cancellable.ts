import { CancelledError } from '../core/errors';
import { eprintln, progressLine } from './output';

/** The exit code of a command cancelled with Ctrl-C, as a shell reports one killed by SIGINT. */
export const CANCELLED_EXIT = 130;

export interface CancellableWork<T> {
  /** Said on stderr, on a line of its own, when Ctrl-C asks to cancel. */
  cancelling: string;
  /**
   * Said on stderr when the work ends in CancelledError; the command then exits 130. Without it,
   * that error goes on to the caller like any other.
   */
  cancelled?: string;
  /** The work: it winds down (with CancelledError) once `signal` aborts, and tells how far it is through `progress`. */
  run(signal: AbortSignal, progress: (text: string) => void): Promise<T>;
  /** Prints the result, once the progress line is cleared; returns the exit code. */
  report(result: T): number;
}

/**
 * Runs a long command's work with a one-line progress display on stderr (only when a person is
 * watching) and Ctrl-C as cancel: the work's signal aborts and it stops by itself, so that nothing
 * is left half done. The progress line is cleared before anything else is printed.
 */
export async function runCancellable<T>(work: CancellableWork<T>): Promise<number> {
  const controller = new AbortController();
  const onSigint = () => {
    // A line of its own: the progress line may be showing.
    eprintln();
    eprintln(work.cancelling);
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  const line = progressLine();
  try {
    const result = await work.run(controller.signal, (text) => line.update(text));
    line.done();
    return work.report(result);
  } catch (err) {
    line.done();
    if (work.cancelled !== undefined && err instanceof CancelledError) {
      eprintln(work.cancelled);
      return CANCELLED_EXIT;
    }
    throw err;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
