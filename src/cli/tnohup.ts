import type { Options } from 'yargs';
import { CliError } from '../common/errors';
import { sayError, writeQuietly } from '../common/say';
import { VERSION } from '../common/version';
import { runNohup } from '../nohup/run';
import { one, parseWords, UsageProblem } from './parse-words';

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

const OPTIONS: Record<string, Options> = {
  pidfile: { type: 'string', alias: 'p' },
  output: { type: 'string', alias: 'o' },
  help: { type: 'boolean', alias: 'h' },
  version: { type: 'boolean' },
};

function main(argv: string[]): void {
  const internalFailure = process.env.POSIXLY_CORRECT !== undefined ? 127 : 125;
  let parsed;
  try {
    parsed = parseWords(argv, OPTIONS);
  } catch (error) {
    if (error instanceof UsageProblem) throw new CliError(`${error.message}; try 'tnohup --help'`, internalFailure);
    throw error;
  }
  if (parsed.help) return writeQuietly(1, `${USAGE}\n\n${EPILOGUE}\n`);
  if (parsed.version) return writeQuietly(1, `tnohup ${VERSION}\n`);
  const [command, ...args] = parsed.operands;
  if (command === undefined) throw new CliError("missing operand; try 'tnohup --help'", internalFailure);
  runNohup({ command, args, pidfile: one(parsed.pidfile), output: one(parsed.output), internalFailure });
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
