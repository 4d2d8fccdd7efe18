import fs from 'node:fs';
import path from 'node:path';
import { RosasError } from '../../core/errors';
import { findUp } from '../../core/util/find-up';
import { defaultConfigDir } from '../../api/recent';
import { startServeApp } from '../../serve/serve-app';
import { intOption, parse } from '../args';
import { eprintln, printBlock, println } from '../output';

export const usage = `rosas serve [--project P] [--port N] [--json]
  Runs the workbench in a browser on this machine: serves the UI on 127.0.0.1 only and prints
  its URL, which carries a one-time token (keep it to yourself). Runs until Ctrl-C.
  --project P   open (or create) this project at once
  --port N      listen on port N (default 0: any free port)
  --json        print {"url": ...} on one line instead of the text`;

function staticDir(): string {
  let dir: string;
  try {
    dir = findUp('dist-renderer');
  } catch {
    throw new RosasError('not-found', 'the UI is not built (no dist-renderer/ folder): run npm run build');
  }
  if (!fs.existsSync(path.join(dir, 'index.html'))) throw new RosasError('not-found', `${dir} has no index.html: run npm run build`);
  return dir;
}

export async function serveCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse('serve', argv, { project: { type: 'string' }, port: { type: 'string' } });
  if (values.help) return printBlock(usage), 0;
  if (positionals.length) throw new RosasError('usage', `usage: ${usage.split('\n')[0]}`);
  const port = intOption('serve', 'port', values.port, 0) ?? 0;
  if (port > 65535) throw new RosasError('usage', `rosas serve: --port must be at most 65535, got ${port}`);

  const app = await startServeApp({ port, staticDir: staticDir(), configDir: defaultConfigDir(), project: values.project });
  if (values.json) process.stdout.write(`${JSON.stringify({ url: app.server.url })}\n`);
  else {
    println(`RoSAS Workbench is running at ${app.server.url}`);
    println('Open that address in a browser on this machine. Press Ctrl-C to stop.');
  }

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      eprintln();
      eprintln(`${signal}: stopping (a running import is rolled back)…`);
      app.stop().then(
        () => resolve(0),
        (err: unknown) => {
          eprintln(`error while stopping: ${err instanceof Error ? err.message : String(err)}`);
          resolve(1);
        },
      );
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
