#!/usr/bin/env node
import { RosasError } from '../core/errors';
import { APP_VERSION } from '../core/version';
import { importCommand, usage as importUsage } from './commands/import';
import { explainCommand, usage as explainUsage } from './commands/explain';
import { fieldsCommand, usage as fieldsUsage } from './commands/fields';
import { infoCommand, usage as infoUsage } from './commands/info';
import { serveCommand, usage as serveUsage } from './commands/serve';
import { trainCommand, usage as trainUsage } from './commands/train';
import { topCommand, usage as topUsage } from './commands/top';
import { labelCommand, usage as labelUsage } from './commands/label';
import { exportCommand, usage as exportUsage } from './commands/export';
import { benchCommand, usage as benchUsage } from './commands/bench';
import { simulateCommand, usage as simulateUsage } from './commands/simulate';
import { eprintln, printBlock } from './output';

const commands: Record<string, { run: (argv: string[]) => Promise<number>; usage: string }> = {
  import: { run: importCommand, usage: importUsage },
  info: { run: infoCommand, usage: infoUsage },
  fields: { run: fieldsCommand, usage: fieldsUsage },
  train: { run: trainCommand, usage: trainUsage },
  top: { run: topCommand, usage: topUsage },
  label: { run: labelCommand, usage: labelUsage },
  export: { run: exportCommand, usage: exportUsage },
  explain: { run: explainCommand, usage: explainUsage },
  serve: { run: serveCommand, usage: serveUsage },
  bench: { run: benchCommand, usage: benchUsage },
  simulate: { run: simulateCommand, usage: simulateUsage },
};

const HELP = `RoSAS Workbench ${APP_VERSION}: rank log records by how anomalous they are, label, retrain.

usage: rosas <command> [options]   (add --json for one JSON document on stdout)

${Object.values(commands)
  .map((c) => c.usage)
  .join('\n\n')}
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(HELP);
    return command ? 0 : 2;
  }
  if (command === '--version' || command === 'version') {
    process.stdout.write(`${APP_VERSION}\n`);
    return 0;
  }
  // Own keys only: `rosas constructor` is an unknown command, not Object's constructor.
  const cmd = Object.hasOwn(commands, command) ? commands[command] : undefined;
  if (!cmd) throw new RosasError('usage', `unknown command "${command}"; commands: ${Object.keys(commands).join(', ')}`);
  return cmd.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof RosasError) {
      eprintln(`error: ${err.message}`);
      process.exitCode = err.code === 'usage' ? 2 : err.code === 'cancelled' ? 130 : 1;
    } else {
      printBlock(`internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`, process.stderr);
      process.exitCode = 70;
    }
  },
);
