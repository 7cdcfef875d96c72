// Renders tdaemon's --help with yargs, from the same option table the parser
// uses. A bundle of its own (dist/tdaemon-help.js), loaded only for --help.
import yargs from 'yargs/yargs';
import type { Options } from 'yargs';

export function renderHelp(usage: string, epilogue: string, options: Record<string, Options>): string {
  let text = '';
  // yargs keeps --version for itself: it is listed through .version().
  const { version, ...rest } = options;
  const parser = yargs([])
    .scriptName('tdaemon')
    .usage(usage)
    .options(rest)
    .epilogue(epilogue)
    .help('help', 'show this help and exit')
    .alias('help', 'h')
    .wrap(null)
    .exitProcess(false);
  if (version) parser.version('version', String(version.describe ?? ''), '');
  else parser.version(false);
  parser.showHelp((output) => (text = output));
  return text;
}
