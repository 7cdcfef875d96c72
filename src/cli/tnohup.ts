import { VERSION } from '../common/version';
import { exitWith } from '../nohup/exit';
import { takeClosedDescriptors, takeInheritedDescriptors } from '../nohup/facts';
import { readCommandLine } from '../nohup/options';
import { runNohup } from '../nohup/run';
import { describeCode, writeText } from '../nohup/write';

// Option lines are written as GNU's are (--pidfile=FILE): coreutils'
// usage_vs_getopt.sh reads the options back from this text.
const USAGE = `Usage: tnohup [OPTION]... [--] COMMAND [ARG]...

Run COMMAND, ignoring hangup signals, in a session of its own.

If standard input is a terminal, redirect it from an unreadable file.
If standard output is a terminal, append output to 'nohup.out' if possible,
'$HOME/nohup.out' otherwise.
If standard error is a terminal, redirect it to standard output.
To save output to FILE, use 'tnohup -o FILE COMMAND' or 'tnohup COMMAND > FILE'.

Options:
  -p, --pidfile=FILE  write COMMAND's pid to FILE once it runs; removed when it exits
  -o, --output=FILE   append output to FILE (created 0600) instead of nohup.out
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

function main(argv: string[]): void {
  const closed = takeClosedDescriptors(process.env);
  const inherited = takeInheritedDescriptors(process.env);
  const internalFailure = process.env.POSIXLY_CORRECT !== undefined ? 127 : 125;
  const say = (line: string) => writeText(2, `tnohup: ${line}\n`, closed);
  const usageError = (line: string): never => {
    say(line);
    writeText(2, "Try 'tnohup --help' for more information.\n", closed);
    return exitWith(internalFailure);
  };
  /** --help and --version fail as GNU's do when stdout cannot take them. */
  const print = (text: string): never => {
    const failure = writeText(1, text, closed);
    if (failure === null) return exitWith(0);
    say(`write error: ${describeCode(failure)}`);
    return exitWith(internalFailure);
  };

  const line = readCommandLine(argv);
  if (line.action === 'help') print(`${USAGE}\n\n${EPILOGUE}\n`);
  if (line.action === 'version') print(`tnohup ${VERSION}\n`);
  if (line.action === 'usage-error') usageError(line.message);
  if (line.action !== 'run') return;
  const [command, ...args] = line.operands;
  if (command === undefined) usageError('missing operand');
  runNohup({ command, args, pidfile: line.pidfile, output: line.output, internalFailure, closed, inherited });
}

try {
  main(process.argv.slice(2));
} catch (error) {
  writeText(2, `tnohup: internal error: ${(error as Error)?.stack ?? String(error)}\n`, new Set());
  exitWith(process.env.POSIXLY_CORRECT !== undefined ? 127 : 125);
}
