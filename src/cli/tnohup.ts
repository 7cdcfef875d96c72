import yargs from 'yargs/yargs';
import { CliError } from '../common/errors';
import { ignoreStdioErrors, sayError, writeQuietly } from '../common/say';
import { VERSION } from '../common/version';
import { runNohup } from '../nohup/run';

const USAGE = `Usage: tnohup [OPTION]... [--] COMMAND [ARG]...

Run COMMAND, ignoring hangup signals, in a session of its own.

If standard input is a terminal, redirect it from an unreadable file.
If standard output is a terminal, append output to 'nohup.out' if possible,
'$HOME/nohup.out' otherwise.
If standard error is a terminal, redirect it to standard output.
To save output to FILE, use 'tnohup -o FILE COMMAND' or 'tnohup COMMAND > FILE'.`;

const EPILOGUE = `Options end at COMMAND: 'tnohup cmd --help' gives --help to cmd.
tnohup stays as COMMAND's parent, passes on INT, TERM, QUIT, USR1 and USR2 to
its process group, and exits with its status (or dies of the same signal).

Exit status:
  125  tnohup itself failed (127 if POSIXLY_CORRECT is set)
  126  COMMAND was found but could not be run
  127  COMMAND was not found
  -    otherwise, the exit status of COMMAND`;

function main(argv: string[]): void {
  ignoreStdioErrors();
  const internalFailure = process.env.POSIXLY_CORRECT !== undefined ? 127 : 125;
  const parsed = yargs(argv)
    .scriptName('tnohup')
    .usage(USAGE)
    .epilogue(EPILOGUE)
    .parserConfiguration({
      'halt-at-non-option': true,
      'populate--': true,
      'parse-positional-numbers': false,
      'parse-numbers': false,
      'boolean-negation': false,
    })
    .option('pidfile', {
      alias: 'p',
      type: 'string',
      requiresArg: true,
      describe: "write COMMAND's pid to FILE once it runs; removed when it exits",
    })
    .option('output', {
      alias: 'o',
      type: 'string',
      requiresArg: true,
      describe: 'append output to FILE (created 0600) instead of nohup.out',
    })
    .help('help', 'display this help and exit')
    .alias('help', 'h')
    .version('version', 'output version information and exit', `tnohup ${VERSION}`)
    .strict()
    .wrap(null)
    .exitProcess(false)
    .fail((message) => {
      throw new CliError(`${describeParseFailure(message)}; try 'tnohup --help'`, internalFailure);
    })
    .parseSync();

  if (parsed.help || parsed.version) return; // yargs printed it; exit 0

  const operands = [...((parsed['--'] as string[] | undefined) ?? []), ...parsed._.map(String)];
  if (operands.length === 0) throw new CliError("missing operand; try 'tnohup --help'", internalFailure);
  for (const value of [parsed.pidfile, parsed.output]) {
    if (value === '') throw new CliError("an empty file name is not a file; try 'tnohup --help'", internalFailure);
  }
  runNohup({
    command: operands[0],
    args: operands.slice(1),
    pidfile: parsed.pidfile,
    output: parsed.output,
    internalFailure,
  });
}

function dashes(name: string): string {
  return name.length === 1 ? `-${name}` : `--${name}`;
}

/** yargs' wording, turned into a line that names the option. */
function describeParseFailure(message: string): string {
  const unknown = /^Unknown arguments?: (.*)$/.exec(message);
  if (unknown) {
    const name = unknown[1].split(', ')[0];
    return `unrecognized option '${dashes(name)}'`;
  }
  const missing = /^Not enough arguments following: (.*)$/.exec(message);
  if (missing) return `option '${dashes(missing[1])}' requires an argument`;
  return message;
}

try {
  main(process.argv.slice(2));
} catch (error) {
  if (error instanceof CliError) {
    sayError('tnohup', error.message);
    process.exit(error.exitCode);
  }
  writeQuietly(2, `tnohup: internal error: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(process.env.POSIXLY_CORRECT !== undefined ? 127 : 125);
}
