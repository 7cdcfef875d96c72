/**
 * GNU nohup decides everything from three terminal facts before it touches a
 * file (coreutils src/nohup.c). This is that decision, as a pure function.
 */
export interface TerminalFacts {
  stdinIsTerminal: boolean;
  stdoutIsTerminal: boolean;
  stderrIsTerminal: boolean;
  /** fd 1 is not open at all (EBADF). */
  stdoutIsClosed: boolean;
  /** -o FILE, if given. */
  outputOption?: string;
  home?: string;
}

export interface NohupPlan {
  /** Give the command /dev/null opened write-only, so any read fails. */
  ignoreInput: boolean;
  /** Files to try for output, in order; empty when no file is opened. */
  outputCandidates: string[];
  /** The opened file becomes the command's stdout. */
  stdoutToFile: boolean;
  /** The command's stderr goes where its stdout goes. */
  stderrToStdout: boolean;
}

export function planNohup(facts: TerminalFacts): NohupPlan {
  const ignoreInput = facts.stdinIsTerminal;
  const stdoutToFile = facts.stdoutIsTerminal || facts.outputOption !== undefined;
  // GNU opens nohup.out even when stdout is closed and only stderr is a
  // terminal: stderr then goes to the file while stdout stays closed.
  const needsFile = stdoutToFile || (facts.stderrIsTerminal && facts.stdoutIsClosed);
  let outputCandidates: string[] = [];
  if (needsFile) {
    if (facts.outputOption !== undefined) outputCandidates = [facts.outputOption];
    else outputCandidates = facts.home ? ['nohup.out', joinHome(facts.home)] : ['nohup.out'];
  }
  return {
    ignoreInput,
    outputCandidates,
    stdoutToFile,
    stderrToStdout: facts.stderrIsTerminal,
  };
}

function joinHome(home: string): string {
  return home.endsWith('/') ? `${home}nohup.out` : `${home}/nohup.out`;
}

/**
 * The notices GNU prints on stderr, in its order. FILE is the quoted name of
 * the file that was opened, if any. With -o and no terminal anywhere, nothing
 * is said: a script that names its output file needs no notice.
 */
export function noticesFor(plan: NohupPlan, facts: TerminalFacts, quotedFile: string | null): string[] {
  const notices: string[] = [];
  const input = plan.ignoreInput;
  const anyTerminal = facts.stdinIsTerminal || facts.stdoutIsTerminal || facts.stderrIsTerminal;
  if (input && !plan.stdoutToFile && !plan.stderrToStdout) notices.push('ignoring input');
  if (quotedFile !== null && (facts.outputOption === undefined || anyTerminal)) {
    notices.push(input ? `ignoring input and appending output to ${quotedFile}` : `appending output to ${quotedFile}`);
  }
  if (plan.stderrToStdout && !plan.stdoutToFile) {
    notices.push(input ? 'ignoring input and redirecting stderr to stdout' : 'redirecting stderr to stdout');
  }
  return notices;
}
