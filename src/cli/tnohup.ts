import parseArguments from 'yargs-parser';
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
To save output to FILE, use 'tnohup -o FILE COMMAND' or 'tnohup COMMAND > FILE'.

Options:
  -p, --pidfile FILE  write COMMAND's pid to FILE once it runs; removed when it exits
  -o, --output FILE   append output to FILE (created 0600) instead of nohup.out
  -h, --help          display this help and exit
      --version       output version information and exit`;

const EPILOGUE = `Options end at COMMAND: 'tnohup cmd --help' gives --help to cmd.
tnohup stays as COMMAND's parent, passes on INT, TERM, QUIT, USR1 and USR2 to
its process group, and exits with its status (or dies of the same signal).

Exit status:
  125  tnohup itself failed (127 if POSIXLY_CORRECT is set)
  126  COMMAND was found but could not be run
  127  COMMAND was not found
  -    otherwise, the exit status of COMMAND`;

/**
 * tnohup parses with yargs-parser, the parser yargs is built on, not with the
 * yargs framework: its help builder, i18n and layout modules cost about 13 ms
 * and 1.7 MiB at every start (npm run bench), and tnohup's help is fixed text.
 */
const OPTIONS = {
  string: ['pidfile', 'output'],
  boolean: ['help', 'version'],
  alias: { pidfile: ['p'], output: ['o'], help: ['h'] },
  configuration: {
    'halt-at-non-option': true,
    'populate--': true,
    'parse-positional-numbers': false,
    'parse-numbers': false,
    'boolean-negation': false,
    'camel-case-expansion': false,
    'dot-notation': false,
    'duplicate-arguments-array': false,
  },
};
const KNOWN = new Set(['_', '--', 'pidfile', 'p', 'output', 'o', 'help', 'h', 'version']);

function main(argv: string[]): void {
  ignoreStdioErrors();
  const internalFailure = process.env.POSIXLY_CORRECT !== undefined ? 127 : 125;
  const usageError = (message: string) => new CliError(`${message}; try 'tnohup --help'`, internalFailure);
  const { argv: parsed, error } = parseArguments.detailed(argv, OPTIONS);
  if (error) throw usageError(error.message);
  const unknown = Object.keys(parsed).find((key) => !KNOWN.has(key));
  if (unknown !== undefined) throw usageError(`unrecognized option '${dashes(unknown)}'`);
  if (parsed.help) return writeQuietly(1, `${USAGE}\n\n${EPILOGUE}\n`);
  if (parsed.version) return writeQuietly(1, `tnohup ${VERSION}\n`);

  const operands = [...((parsed['--'] as string[] | undefined) ?? []), ...parsed._.map(String)];
  const optionWords = argv.slice(0, argv.length - operands.length);
  for (const name of ['pidfile', 'output'] as const) {
    const value = parsed[name] as unknown;
    if (value !== undefined && (typeof value !== 'string' || value === '')) {
      throw usageError(`option '${typedName(optionWords, name)}' requires an argument`);
    }
  }
  if (operands.length === 0) throw usageError('missing operand');
  runNohup({
    command: operands[0],
    args: operands.slice(1),
    pidfile: parsed.pidfile as string | undefined,
    output: parsed.output as string | undefined,
    internalFailure,
  });
}

function dashes(name: string): string {
  return name.length === 1 ? `-${name}` : `--${name}`;
}

/** The spelling the user typed (-p or --pidfile), for the message. */
function typedName(optionWords: string[], name: 'pidfile' | 'output'): string {
  const short = name === 'pidfile' ? '-p' : '-o';
  const typed = [...optionWords].reverse().find((word) => word === short || word.startsWith(`--${name}`));
  return typed === short ? short : `--${name}`;
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
