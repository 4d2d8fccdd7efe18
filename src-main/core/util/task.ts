/**
 * How a caller follows and stops a long task: aborting `signal` asks the task to stop (it rejects
 * with CancelledError), and `onProgress` hears how far it is.
 */
export interface TaskControl<P> {
  signal?: AbortSignal;
  onProgress?: (progress: P) => void;
}
