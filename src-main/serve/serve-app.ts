import { consoleLogger, type Logger } from '../api/api-error';
import { dispatch } from '../api/dispatch';
import { createHandlers } from '../api/handlers';
import { KnownExports } from '../api/known-exports';
import { servePolicy } from '../api/paths';
import { RecentProjects } from '../api/recent';
import { Session, type Emit } from '../api/session';
import { startServer, type LocalServer } from './server';

export interface ServeOptions {
  port: number;
  staticDir: string;
  /** Where recent projects are remembered. */
  configDir: string;
  /** Opened before the server starts, so a locked or broken project fails at once. */
  project?: string;
  token?: string;
  log?: Logger;
}

export interface ServeApp {
  server: LocalServer;
  session: Session;
  /** Cancels running jobs, closes the project (releasing its lock) and stops the server. */
  stop(): Promise<void>;
}

/** Serve mode put together: one session over the handlers, behind the local server. */
export async function startServeApp(opts: ServeOptions): Promise<ServeApp> {
  const log = opts.log ?? consoleLogger;
  let broadcast: Emit = () => {};
  const session = new Session({ emit: (event, payload) => broadcast(event, payload), purpose: 'rosas serve', log });
  const recent = new RecentProjects(opts.configDir);
  const exports = new KnownExports(opts.configDir);
  const handlers = createHandlers({ mode: 'serve', session, recent, exports });
  const paths = servePolicy(exports);
  if (opts.project) {
    const p = session.open(opts.project, true);
    recent.add(p.path);
  }
  let server: LocalServer;
  try {
    server = await startServer({ port: opts.port, staticDir: opts.staticDir, token: opts.token, log, dispatch: (call, payload) => dispatch(handlers, call, payload, log, paths) });
  } catch (err) {
    await session.close();
    throw err;
  }
  broadcast = (event, payload) => server.broadcast(event, payload);
  let stopping: Promise<void> | null = null;
  return {
    server,
    session,
    stop() {
      stopping ??= (async () => {
        await session.close();
        await server.close();
      })();
      return stopping;
    },
  };
}
