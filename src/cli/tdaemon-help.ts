// Renders tdaemon's --help with yargs, from the same option table the parser
// uses. A bundle of its own (dist/tdaemon-help.js), loaded only for --help.
import yargs from 'yargs/yargs';
import type { Options } from 'yargs';

/**
 * What each option's value is, shown after it (`--log FILE`): yargs has no
 * metavars, so the shown key carries it; the parser never sees these keys.
 * An option missing here shows the first capitalized word of its
 * description (FILE, DIR, KEY=VALUE), else VALUE.
 */
const METAVARS: Record<string, string> = {
  pidfile: 'FILE',
  name: 'NAME',
  config: 'FILE',
  log: 'FILE',
  'error-log': 'FILE',
  chdir: 'DIR',
  umask: 'MODE',
  env: 'KEY=VALUE',
  user: 'USER',
  group: 'GROUP',
  wait: 'SECONDS',
  restart: 'WHEN',
  'no-restart-exit': 'CODE',
  'min-uptime': 'SECONDS',
  'backoff-max': 'SECONDS',
  'max-restarts': 'N',
  'restart-window': 'SECONDS',
  'stop-signal': 'SIG',
  'stop-timeout': 'SECONDS',
  'reload-signal': 'SIG',
  lines: 'N',
  dir: 'DIR',
  prefix: 'P',
  // Options of other branches' verbs, named here so that they show well.
  'command-pidfile': 'FILE',
  ready: 'SPEC',
  'ready-timeout': 'SECONDS',
  'log-max-size': 'SIZE',
  'log-backups': 'N',
};

/** The metavar of an option that takes a value. */
export function metavarOf(name: string, spec: Options): string {
  return METAVARS[name] ?? /\b[A-Z][A-Z_=]+\b/.exec(String(spec.describe ?? ''))?.[0] ?? 'VALUE';
}

export function renderHelp(usage: string, epilogue: string, options: Record<string, Options>): string {
  let text = '';
  // yargs keeps --version for itself: it is listed through .version().
  const { version, ...rest } = options;
  // Shown as `--log FILE`; the types yargs would add ([string] for a number of seconds) are left out.
  const shown = Object.fromEntries(
    Object.entries(rest).map(([name, spec]) => [spec.type === 'boolean' ? name : `${name} ${metavarOf(name, spec)}`, spec]),
  );
  const parser = yargs([])
    .scriptName('tdaemon')
    .usage(usage)
    .options(shown)
    .epilogue(epilogue)
    .help('help', 'show this help and exit')
    .alias('help', 'h')
    .wrap(null)
    .exitProcess(false);
  // yargs 17.7 has it; its types (@types/yargs) do not know it yet.
  (parser as unknown as { usageConfiguration(config: { 'hide-types': boolean }): void }).usageConfiguration({ 'hide-types': true });
  if (version) parser.version('version', String(version.describe ?? ''), '');
  else parser.version(false);
  parser.showHelp((output) => (text = output));
  return text;
}
